import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TicField, tempoHistoricFields, ticFrame } from '../../firmware/virtual/meters/tic-compose.ts';
import { hubDb } from '../support/hub-db.ts';
import { type MeterLine, meterLine } from '../support/meter-line.ts';
import { type NodeProcess, startNodeProcess } from '../support/node-process.ts';
import { startTestHub, type TestHub } from '../support/test-hub.ts';
import { eventually } from './agent-support.ts';

/**
 * A Linky's TIC, as the specification writes it (Enedis-NOI-CPT_54E, ERDF-NOI-CPT_02E), through a
 * socat pseudo-terminal to `communs node` and a real hub: what the hub stored is what counts.
 * Frames come about 1.3 s apart, as a historic-mode meter sends them; the agent publishes every
 * second, so each good frame is published.
 */

let th: TestHub;
let dir: string;
const running: Array<NodeProcess | MeterLine> = [];

beforeAll(async () => {
  th = await startTestHub();
  dir = mkdtempSync(join(tmpdir(), 'communs-tic-'));
});
afterAll(async () => {
  for (const r of running.splice(0).reverse()) {
    if ('stop' in r) await r.stop();
    else await r.close();
  }
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const GAP_MS = 1300;

/** Starts `communs node` on a new meter line; resolves once it listens on the port. */
async function linkyNode(node: string, mode: 'auto' | 'historique' | 'standard') {
  const { secret } = await th.addNode(node);
  const line = await meterLine(dir, node);
  running.push(line);
  const agent = startNodeProcess(dir, {
    node,
    secret,
    hub: th.mqttUrl,
    board: { type: 'tic', path: line.agentEnd, mode },
    publishIntervalS: 1,
    queue: { dir: join(dir, `${node}-queue`) },
  });
  running.push(agent);
  await agent.waitFor(/meter: listening on/);
  return { line, agent };
}

function gauges(node: string, sensor: string): number[] {
  return (
    hubDb(th.hub)
      .prepare(
        `SELECT r.value FROM all_readings r JOIN sensors s ON s.id = r.sensor_id
         WHERE s.node_id = ? AND s.sensor = ? ORDER BY r.ts`,
      )
      .all(node, sensor) as Array<{ value: number }>
  ).map((r) => r.value);
}

function totals(node: string): Record<string, number | null> {
  const rows = hubDb(th.hub)
    .prepare('SELECT sensor, last_total FROM sensors WHERE node_id = ?')
    .all(node) as Array<{ sensor: string; last_total: number | null }>;
  return Object.fromEntries(rows.map((r) => [r.sensor, r.last_total]));
}

function sensors(
  node: string,
): Array<{ sensor: string; quantity: string; unit: string; part_of: string | null }> {
  return hubDb(th.hub)
    .prepare('SELECT sensor, quantity, unit, part_of FROM sensors WHERE node_id = ? ORDER BY sensor')
    .all(node) as Array<{ sensor: string; quantity: string; unit: string; part_of: string | null }>;
}

function counterEvents(node: string): number {
  return (
    hubDb(th.hub)
      .prepare(
        'SELECT count(*) AS n FROM counter_events e JOIN sensors s ON s.id = e.sensor_id WHERE s.node_id = ?',
      )
      .get(node) as { n: number }
  ).n;
}

/** A historic single-phase frame of an HC contract. */
function hcFrame(hchc: number, hchp: number, papp: number, iinst = 2, ptec = 'HP..'): TicField[] {
  return [
    ['ADCO', '021528603314'],
    ['OPTARIF', 'HC..'],
    ['ISOUSC', '30'],
    ['HCHC', String(hchc).padStart(9, '0')],
    ['HCHP', String(hchp).padStart(9, '0')],
    ['PTEC', ptec],
    ['IINST', String(iinst).padStart(3, '0')],
    ['IMAX', '090'],
    ['PAPP', String(papp).padStart(5, '0')],
    ['HHPHC', 'A'],
    ['MOTDETAT', '000000'],
  ];
}

/** Changes a group's data after its checksum was written: what noise on the line does. */
function corrupt(frame: string, from: string, to: string): string {
  expect(frame).toContain(from);
  return frame.replace(from, to);
}

describe('a Linky in historic mode, HC contract, single phase', () => {
  it('stores the registers, apparent power and current; skips bad groups; a bad index drops the frame', async () => {
    const node = 'tic-hc';
    const { line, agent } = await linkyNode(node, 'auto');
    const good = [
      ticFrame('historique', hcFrame(1_234_567, 2_345_678, 390)),
      ticFrame('historique', hcFrame(1_234_567, 2_345_679, 410)),
      ticFrame('historique', hcFrame(1_234_567, 2_345_681, 430)),
    ];
    // a noisy PAPP group: skipped and counted, the rest of the frame is used
    const badGroup = corrupt(
      ticFrame('historique', hcFrame(1_234_567, 2_345_683, 450)),
      'PAPP 00450',
      'PAPP 00850',
    );
    // a noisy index group: nothing of the frame is published (its PAPP 777, its IINST 77)
    const badIndex = corrupt(
      ticFrame('historique', hcFrame(1_234_567, 2_845_684, 777, 77)),
      'HCHP 002845684',
      'HCHP 002845604',
    );
    const after = ticFrame('historique', hcFrame(1_234_567, 2_345_686, 470, 3, 'HC..'));
    await line.stream([...good, badGroup, badIndex, after], GAP_MS);
    await eventually(async () => (gauges(node, 'apparent-power').includes(470) ? true : undefined));

    expect(await agent.waitFor(/TIC in historique mode/)).toMatch(/1200 baud, 7E1/);
    await agent.waitFor(/1 group\(s\) failed their checksum: skipped, never stored/);
    await agent.waitFor(/a frame with a bad index group: nothing of it is published/);
    expect(gauges(node, 'apparent-power')).toEqual([390, 410, 430, 470]);
    expect(gauges(node, 'current')).not.toContain(77);
    expect(totals(node)).toMatchObject({ hchc: 1_234_567, hchp: 2_345_686 });
    // HCHP rose by 8 Wh over the frames stored: no jump from the noisy one, no counter event
    expect(gauges(node, 'hchp').reduce((a, b) => a + b, 0)).toBe(8);
    expect(counterEvents(node)).toBe(0);
    expect(sensors(node).map((s) => `${s.sensor}:${s.quantity}:${s.unit}`)).toEqual([
      'apparent-power:apparent_power:VA',
      'current:current:A',
      'hchc:energy:Wh',
      'hchp:energy:Wh',
    ]);
    // no active power yet: the index must move over 30 s for it (INDEX_POWER_WINDOW_MS), these
    // frames span 8 s
    expect(gauges(node, 'power')).toEqual([]);
    await eventually(async () =>
      th.hub.store.registry.meters.get(node)?.period === 'HC..' ? true : undefined,
    );
    expect(th.hub.store.registry.meters.get(node)).toMatchObject({
      kind: 'tic',
      mode: 'historique',
      phases: 1,
      option: 'HC..',
      subscribed_a: 30,
      subscribed_va: 6000,
      period_index: 1,
      off_peak: 1,
    });
    expect(th.hub.store.registry.node(node)?.board).toBe('linky');
    // the meter's address never reaches the hub
    const everything = JSON.stringify([
      sensors(node),
      th.hub.store.registry.node(node),
      th.hub.store.registry.meters.get(node),
    ]);
    expect(everything).not.toContain('021528603314');
  });

  it('drops a frame cut by a pulled cable, says so, and reads again once plugged back', async () => {
    const node = 'tic-cable';
    const { line, agent } = await linkyNode(node, 'historique');
    await line.stream([ticFrame('historique', hcFrame(500_000, 600_000, 300))], GAP_MS);
    const half = ticFrame('historique', hcFrame(500_000, 600_050, 999));
    await line.write(half.slice(0, Math.floor(half.length * 0.7)));
    await line.pull();
    await agent.waitFor(/meter: lost .*; reconnecting/);
    await line.plug();
    await agent.waitFor(/meter: connected to/);
    await line.stream(
      [
        ticFrame('historique', hcFrame(500_000, 600_001, 310)),
        ticFrame('historique', hcFrame(500_000, 600_002, 320)),
      ],
      GAP_MS,
    );
    await eventually(async () => (gauges(node, 'apparent-power').includes(320) ? true : undefined));
    expect(gauges(node, 'apparent-power')).not.toContain(999);
    expect(totals(node).hchp).toBe(600_002);
  });
});

describe('a Linky in historic mode, Tempo contract', () => {
  it('stores the six registers, and keeps today’s colour (PTEC) and tomorrow’s (DEMAIN)', async () => {
    const node = 'tic-tempo';
    const { line } = await linkyNode(node, 'auto');
    const tempo = (demain: string, hpjw: number) => tempoHistoricFields({ ptec: 'HPJW', demain, hpjw });
    await line.stream(
      [ticFrame('historique', tempo('----', 1_800_000)), ticFrame('historique', tempo('ROUG', 1_800_003))],
      GAP_MS,
    );
    await eventually(async () =>
      th.hub.store.registry.meters.get(node)?.tempo_tomorrow === 'red' ? true : undefined,
    );
    expect(th.hub.store.registry.meters.get(node)).toMatchObject({
      option: 'BBR(',
      period: 'HPJW',
      period_index: 4,
      off_peak: 0,
      tempo_today: 'white',
      subscribed_va: 9000,
    });
    await eventually(async () => (totals(node).bbrhpjw === 1_800_003 ? true : undefined));
    expect(Object.keys(totals(node)).filter((s) => s.startsWith('bbr'))).toHaveLength(6);
    expect(th.hub.store.registry.meters.latestTempo()).toMatchObject({ today: 'white', tomorrow: 'red' });
  });
});

/** A standard-mode frame; `three`: a three-phase meter; `eait`: a producer's injected energy. */
function standardFrame(i: number, opts: { three?: boolean; eait?: number } = {}): TicField[] {
  const ts = `H2401101012${String(i).padStart(2, '0')}`;
  const fields: TicField[] = [
    ['ADSC', '041776199904'],
    ['VTIC', '02'],
    ['DATE', '', ts],
    ['NGTF', 'H PLEINE/CREUSE '],
    ['LTARF', '  HEURE CREUSE  '],
    ['EAST', String(5_000_000 + 10 * i).padStart(9, '0')],
    ['EASF01', String(2_000_000 + 10 * i).padStart(9, '0')],
    ['EASF02', '003000000'],
    ['EASD01', String(5_000_000 + 10 * i).padStart(9, '0')],
  ];
  if (opts.eait !== undefined) fields.push(['EAIT', String(opts.eait + 5 * i).padStart(9, '0')]);
  for (const n of opts.three ? [1, 2, 3] : [1]) {
    fields.push([`IRMS${n}`, String(n + i).padStart(3, '0')], [`URMS${n}`, String(228 + n).padStart(3, '0')]);
  }
  fields.push(['PREF', opts.three ? '12' : '06'], ['PCOUP', opts.three ? '12' : '06']);
  fields.push(['SINSTS', String(1000 + i).padStart(5, '0')]);
  if (opts.three) for (const n of [1, 2, 3]) fields.push([`SINSTS${n}`, String(300 + n).padStart(5, '0')]);
  fields.push(
    ['SMAXSN', '03200', 'H240110083000'],
    ['NTARF', '01'],
    ['STGE', '003A0001'],
    ['MSG1', 'PAS DE          MESSAGE         '],
  );
  return fields;
}

describe('a Linky in standard mode', () => {
  it('single phase, found by the automatic mode: EAST is the whole, the supplier registers its parts', async () => {
    const node = 'tic-standard';
    const { line, agent } = await linkyNode(node, 'auto');
    await line.stream(
      [0, 1, 2, 3].map((i) => ticFrame('standard', standardFrame(i))),
      1000,
    );
    expect(await agent.waitFor(/TIC in standard mode/)).toMatch(/9600 baud, 7E1/);
    await eventually(async () => (totals(node).east === 5_000_030 ? true : undefined));
    const parts = Object.fromEntries(sensors(node).map((s) => [s.sensor, s.part_of]));
    expect(parts).toMatchObject({ east: null, easf01: 'east', easf02: 'east', easd01: 'east' });
    expect(gauges(node, 'voltage-l1').at(-1)).toBe(229);
    expect(th.hub.store.registry.meters.get(node)).toMatchObject({
      mode: 'standard',
      phases: 1,
      option: 'H PLEINE/CREUSE',
      subscribed_va: 6000,
      period: 'HEURE CREUSE',
      period_index: 1,
      off_peak: 1,
    });
  });

  it('three phases and a producer: per-phase series, and EAIT stored as energy exported', async () => {
    const node = 'tic-three';
    const { line } = await linkyNode(node, 'standard');
    await line.stream(
      [0, 1, 2].map((i) => ticFrame('standard', standardFrame(i, { three: true, eait: 70_000 }))),
      1000,
    );
    await eventually(async () => (totals(node).eait === 70_010 ? true : undefined));
    const byId = Object.fromEntries(sensors(node).map((s) => [s.sensor, s]));
    expect(byId.eait).toMatchObject({ quantity: 'energy_exported', unit: 'Wh', part_of: null });
    expect(byId['apparent-power-l3']).toMatchObject({
      quantity: 'apparent_power',
      part_of: 'apparent-power',
    });
    expect(Object.keys(byId)).toEqual(expect.arrayContaining(['current-l2', 'current-l3', 'voltage-l3']));
    expect(th.hub.store.registry.meters.get(node)).toMatchObject({
      phases: 3,
      producer: 1,
      subscribed_va: 12_000,
    });
  });

  it('refuses the wrong mode in one line and publishes nothing', async () => {
    const node = 'tic-wrong';
    const { line, agent } = await linkyNode(node, 'historique');
    await line.stream(
      [0, 1, 2].map((i) => ticFrame('standard', standardFrame(i))),
      1000,
    );
    await agent.waitFor(
      /the meter sends standard-mode frames but "mode" is "historique" — set "mode": "standard" or "auto"/,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(sensors(node)).toEqual([]);
    expect(agent.lines.filter((l) => l.includes('standard-mode frames'))).toHaveLength(1);
  });
});
