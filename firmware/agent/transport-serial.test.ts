import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeAgentConfig, SensorConfig, VirtualModel } from '../../protocol/index.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { ptyPair } from '../virtual/pty-pair.ts';
import { VirtualBoard } from '../virtual/virtual-board.ts';
import { NodeAgent } from './node-agent.ts';

/**
 * The agent's serial transport (serialport) over a real pseudo-terminal pair made by socat: the
 * agent opens one end as it would /dev/ttyUSB0; a virtual Firmata board answers on the other end.
 */
describe('serial transport over a pseudo-terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'communs-agent-pty-'));
  const agentEnd = join(dir, 'agent');
  const boardEnd = join(dir, 'board');
  let socat: ChildProcess;
  let th: TestHub;
  let wire: SerialPort;
  let board: VirtualBoard;
  const sensors = [SensorConfig.parse({ type: 'sht31', id: 'air' })];

  beforeAll(async () => {
    socat = await ptyPair(agentEnd, boardEnd);
    th = await startTestHub();
    // the board's end: every byte between the pty and the virtual board, both ways
    wire = new SerialPort({ path: boardEnd, baudRate: 57_600 });
    await new Promise((r) => wire.once('open', r));
    board = new VirtualBoard({ model: VirtualModel.parse({ kind: 'indoor', speed: 1 }), sensors });
    board.on('data', (d: Buffer) => wire.write(d));
    wire.on('data', (d: Buffer) => board.write(d));
    board.connect();
  });
  afterAll(async () => {
    board?.unplug();
    if (wire?.isOpen) await new Promise((r) => wire.close(r));
    socat?.kill();
    await th?.stop();
  });

  it('carries the Firmata handshake and a reading serial → agent → hub, and notices the cable pulled', async () => {
    const { secret } = await th.addNode('pty-node');
    const config = NodeAgentConfig.parse({
      node: 'pty-node',
      secret,
      hub: th.mqttUrl,
      board: { type: 'serial', path: agentEnd },
      sensors,
      queue: { dir: 'q' },
    });
    const lines: string[] = [];
    const agent = new NodeAgent({
      config,
      sensors,
      queueDir: join(dir, 'queue'),
      intervalMs: 200,
      log: (l) => lines.push(l),
    });
    await agent.start();
    try {
      const stored = () =>
        hubDb(th.hub)
          .prepare(
            `SELECT s.sensor, r.value FROM all_readings r JOIN sensors s ON s.id = r.sensor_id
             WHERE s.node_id = 'pty-node'`,
          )
          .all() as Array<{ sensor: string; value: number }>;
      const deadline = Date.now() + 15_000;
      while (!stored().some((r) => r.sensor === 'air-temperature')) {
        if (Date.now() > deadline) throw new Error(`no reading reached the hub: ${lines.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(agent.boardConnected).toBe(true);
      const temperature = stored().find((r) => r.sensor === 'air-temperature')?.value ?? Number.NaN;
      // an indoor room, as the virtual SHT31 measures it and the agent converts it
      expect(temperature).toBeGreaterThan(10);
      expect(temperature).toBeLessThan(35);
      // the cable is pulled: the pty pair goes away, the port closes, and the agent says so
      socat.kill();
      const gone = Date.now() + 10_000;
      while (agent.boardConnected && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      expect(agent.boardConnected).toBe(false);
      expect(lines.some((l) => l.includes(`board: lost ${agentEnd}`))).toBe(true);
    } finally {
      await agent.stop();
    }
  });
});
