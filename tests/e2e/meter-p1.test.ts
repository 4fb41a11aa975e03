import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { p1Telegram } from '../../firmware/virtual/meters/p1-compose.ts';
import { hubDb } from '../support/hub-db.ts';
import { type MeterLine, meterLine } from '../support/meter-line.ts';
import { type NodeProcess, startNodeProcess } from '../support/node-process.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually } from './agent-support.ts';

/**
 * DSMR 5.0.2 P1 telegrams, composed as the companion standard writes them, through a socat
 * pseudo-terminal to `communs node` and a real hub. One telegram a second, as a DSMR 5 meter sends.
 */

let th: TestHub;
let dir: string;
let line: MeterLine | undefined;
let agent: NodeProcess | undefined;

beforeAll(async () => {
  th = await startTestHub();
  dir = mkdtempSync(join(tmpdir(), 'communs-p1-'));
});
afterAll(async () => {
  await agent?.stop();
  await line?.close();
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Telegram `i`: the registers move, the power changes, the gas meter reports every 5 minutes. */
function telegram(i: number, kw: string): string {
  const kwh = (v: number) => `${v.toFixed(3).padStart(10, '0')}*kWh`;
  return p1Telegram('ISk5\\2MT382-1000', [
    '1-3:0.2.8(50)',
    `0-0:1.0.0(2401101012${String(i).padStart(2, '0')}W)`,
    '0-0:96.1.1(4B384547303034303436333935353037)',
    `1-0:1.8.1(${kwh(1234.5 + i * 0.01)})`,
    `1-0:1.8.2(${kwh(2345.6)})`,
    `1-0:2.8.1(${kwh(345.6)})`,
    `1-0:2.8.2(${kwh(456.7 + i * 0.002)})`,
    '0-0:96.14.0(0001)',
    `1-0:1.7.0(${kw}*kW)`,
    '1-0:2.7.0(00.000*kW)',
    '0-0:96.7.21(00004)',
    '0-0:96.7.9(00002)',
    '1-0:99.97.0(1)(0-0:96.7.19)(231208152415W)(0000000240*s)',
    '1-0:32.32.0(00002)',
    '1-0:32.36.0(00000)',
    '0-0:96.13.0()',
    '1-0:32.7.0(230.1*V)',
    '1-0:31.7.0(002*A)',
    '1-0:21.7.0(00.550*kW)',
    '1-0:22.7.0(00.000*kW)',
    '0-1:24.1.0(003)',
    '0-1:96.1.0(3232323241424344313233343536373839)',
    `0-1:24.2.1(240110101000W)(${(812.345 + i * 0.001).toFixed(3).padStart(9, '0')}*m3)`,
  ]);
}

describe('a DSMR meter’s P1 port', () => {
  it('stores the four registers, the net power, voltage, current and gas; a bad CRC drops the telegram', async () => {
    const node = 'p1-home';
    const { secret } = await th.addNode(node);
    line = await meterLine(dir, node);
    agent = startNodeProcess(dir, {
      node,
      secret,
      hub: th.mqttUrl,
      board: { type: 'p1', path: line.agentEnd },
      publishIntervalS: 1,
      queue: { dir: join(dir, 'queue') },
    });
    expect(await agent.waitFor(/meter: listening on/)).toMatch(/115200 baud 8N1/);
    const noisy = telegram(2, '04.444').replace('04.444*kW', '04.445*kW');
    await line.stream([telegram(0, '00.550'), telegram(1, '00.610'), noisy, telegram(3, '00.720')], 1300);
    const power = () =>
      (
        hubDb(th.hub)
          .prepare(
            `SELECT r.value FROM all_readings r JOIN sensors s ON s.id = r.sensor_id
             WHERE s.node_id = ? AND s.sensor = 'power' ORDER BY r.ts`,
          )
          .all(node) as Array<{ value: number }>
      ).map((r) => r.value);
    await eventually(async () => (power().includes(720) ? true : undefined));
    expect(power()).toEqual([550, 610, 720]);
    await agent.waitFor(/a P1 telegram dropped \(CRC [0-9A-F]{4} sent, [0-9A-F]{4} computed\)/);

    const rows = hubDb(th.hub)
      .prepare('SELECT sensor, quantity, unit, last_total FROM sensors WHERE node_id = ? ORDER BY sensor')
      .all(node) as Array<{ sensor: string; quantity: string; unit: string; last_total: number | null }>;
    const by = Object.fromEntries(rows.map((r) => [r.sensor, r]));
    expect(Object.keys(by)).toEqual([
      'current-l1',
      'energy-exported-t1',
      'energy-exported-t2',
      'energy-t1',
      'energy-t2',
      'gas',
      'power',
      'voltage-l1',
    ]);
    // kWh on the wire, Wh in the store; m³ as sent
    expect(by['energy-t1']).toMatchObject({ quantity: 'energy', unit: 'Wh', last_total: 1_234_530 });
    expect(by['energy-exported-t2']).toMatchObject({ quantity: 'energy_exported', last_total: 456_706 });
    expect(by.gas).toMatchObject({ quantity: 'gas', unit: 'm³', last_total: 812.348 });
    expect(th.hub.store.registry.meters.get(node)).toMatchObject({
      kind: 'p1',
      phases: 1,
      producer: 1,
      period_index: 1,
    });
    expect(th.hub.store.registry.node(node)?.board).toBe('dsmr');
    const everything = JSON.stringify([
      rows,
      th.hub.store.registry.node(node),
      th.hub.store.registry.meters.get(node),
    ]);
    expect(everything).not.toContain('4B3845');
  });
});
