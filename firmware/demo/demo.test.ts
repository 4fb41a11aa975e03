import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHubAccess } from '../../hub/src/demo-access.ts';
import { walFrames } from '../../hub/test/wal-frames.ts';
import { hubDb } from '../../tests/support/hub-db.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { Demo } from './demo.ts';

const NODE = 'demo-h01-meter';
let th: TestHub;
beforeAll(async () => {
  th = await startTestHub();
});
afterAll(async () => {
  await th?.stop();
});

function demo(opts: { metersLostCount?: boolean } = {}): Demo {
  return new Demo({
    ...opts,
    households: 1,
    mqttUrl: th.mqttUrl,
    dataDir: th.dataDir,
    hub: demoHubAccess(th.hub),
    log: () => {},
    publishIntervalS: 1,
    historyDays: 1,
  });
}

/** The meter's total as the hub last received it (readings hold the deltas). */
function lastEnergy(): { ts: number; value: number } | undefined {
  return hubDb(th.hub)
    .prepare(
      `SELECT last_total_ts AS ts, last_total AS value FROM sensors
       WHERE node_id = ? AND sensor = 'meter-energy' AND last_total_ts IS NOT NULL`,
    )
    .get(NODE) as { ts: number; value: number } | undefined;
}

function counterEvents(): string[] {
  return (
    hubDb(th.hub)
      .prepare(
        `SELECT e.kind FROM counter_events e JOIN sensors s ON s.id = e.sensor_id
         WHERE s.node_id = ? ORDER BY e.id`,
      )
      .all(NODE) as Array<{ kind: string }>
  ).map((e) => e.kind);
}

/** Runs the demo until the meter has published a few live readings, then stops it. */
async function runFor(d: Demo, readings = 4): Promise<void> {
  await d.start();
  const since = lastEnergy()?.ts ?? 0;
  const deadline = Date.now() + 20_000;
  let seen = 0;
  let last = since;
  while (seen < readings) {
    if (Date.now() > deadline) throw new Error(`the demo meter published ${seen} readings in 20 s`);
    await new Promise((r) => setTimeout(r, 100));
    const ts = lastEnergy()?.ts ?? 0;
    if (ts > last) {
      seen += 1;
      last = ts;
    }
  }
  await d.stop();
}

describe('demo meters across agent restarts', () => {
  it('continue their history and their count: no counter reset at first start or after a restart', async () => {
    await runFor(demo());
    const before = lastEnergy()?.value ?? 0;
    expect(before).toBeGreaterThan(1000); // a day of a household's history, in Wh
    await runFor(demo());
    expect(lastEnergy()?.value).toBeGreaterThanOrEqual(before);
    expect(counterEvents()).toEqual([]);
  });

  it('still records a reset when a board really lost its count', async () => {
    // a board that was unplugged from power: its meter counts from zero
    await runFor(demo({ metersLostCount: true }));
    expect(counterEvents()).toEqual(['reset']);
  });
});

describe("the demo's first start", () => {
  it('ends its history with the write-ahead log folded into the database: steady writes follow', async () => {
    const own = await startTestHub();
    try {
      let framesAtEnd: number | undefined;
      const file = hubDb(own.hub).name;
      const d = new Demo({
        households: 1,
        mqttUrl: own.mqttUrl,
        dataDir: own.dataDir,
        hub: demoHubAccess(own.hub),
        log: (line) => {
          if (/^backfilled/.test(line)) framesAtEnd = walFrames(file).frames;
        },
        publishIntervalS: 1,
        historyDays: 1,
      });
      await d.start();
      const deadline = Date.now() + 60_000;
      while (framesAtEnd === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await d.stop();
      expect(framesAtEnd).toBe(0);
    } finally {
      await own.stop();
    }
  });
});
