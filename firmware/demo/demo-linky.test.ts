import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHubAccess } from '../../hub/src/demo-access.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { Demo } from './demo.ts';

/** The second demo household is read by a virtual Linky (historic mode, off-peak contract). */
const NODE = 'demo-h02-linky';
let th: TestHub;
beforeAll(async () => {
  th = await startTestHub();
});
afterAll(async () => {
  await th?.stop();
});

function demo(): Demo {
  return new Demo({
    households: 2,
    mqttUrl: th.mqttUrl,
    dataDir: th.dataDir,
    hub: demoHubAccess(th.hub),
    log: () => {},
    publishIntervalS: 1,
    historyDays: 1,
  });
}

function registers(): Record<string, number | null> {
  const rows = hubDb(th.hub)
    .prepare(`SELECT sensor, last_total FROM sensors WHERE node_id = ? AND sensor IN ('hchc', 'hchp')`)
    .all(NODE) as Array<{ sensor: string; last_total: number | null }>;
  return Object.fromEntries(rows.map((r) => [r.sensor, r.last_total]));
}

function liveReadings(since: number): number {
  return hubDb(th.hub)
    .prepare(
      `SELECT count(*) FROM all_readings r JOIN sensors s ON s.id = r.sensor_id
       WHERE s.node_id = ? AND s.sensor = 'apparent-power' AND r.ts > ?`,
    )
    .pluck()
    .get(NODE, since) as number;
}

/** Runs the demo until the Linky household has published a few live frames, then stops it. */
async function runFor(d: Demo): Promise<void> {
  const since = Date.now();
  await d.start();
  const deadline = Date.now() + 40_000;
  while (liveReadings(since) < 3) {
    if (Date.now() > deadline) throw new Error('the virtual Linky published nothing live in 40 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  await d.stop();
}

describe('a demo household read by a virtual Linky', () => {
  it('continues its registers from its history, and after a restart from the hub’s totals', async () => {
    await runFor(demo());
    const before = registers();
    // a day of history: both periods of the off-peak contract have counted
    expect(Object.keys(before).sort()).toEqual(['hchc', 'hchp']);
    await runFor(demo());
    const after = registers();
    expect(after.hchc).toBeGreaterThanOrEqual(before.hchc ?? 0);
    expect(after.hchp).toBeGreaterThanOrEqual(before.hchp ?? 0);
    const events = hubDb(th.hub)
      .prepare(
        'SELECT count(*) FROM counter_events e JOIN sensors s ON s.id = e.sensor_id WHERE s.node_id = ?',
      )
      .pluck()
      .get(NODE);
    expect(events).toBe(0);
    expect(th.hub.store.registry.meters.get(NODE)).toMatchObject({ mode: 'historique', option: 'HC..' });
  }, 120_000);
});
