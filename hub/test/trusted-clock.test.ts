import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthBody, NodesBody, type Reading, type StatusMessage, topics } from '../../protocol/index.ts';
import { connectNode, sendMeta } from '../../tests/support/mqtt-node.ts';
import { startTestHub, type TestHub } from '../../tests/support/test-hub.ts';
import { parseTimeSet } from '../src/commands/time-commands.ts';
import { ClockStore } from '../src/store/clock-store.ts';
import { openDb } from '../src/store/db.ts';
import { TrustedClock } from '../src/time/trusted-clock.ts';

const DAY = 86_400_000;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communs-clock-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function hubOn(dataDir: string, now: () => number): Promise<TestHub> {
  const th = await startTestHub({ dataDir, now });
  cleanups.push(() => th.stopKeepData());
  return th;
}

async function node(th: TestHub, id: string, secret: string): Promise<MqttClient> {
  const c = await connectNode(th.mqttUrl, id, secret);
  cleanups.push(() => c.endAsync(true));
  await sendMeta(c, id, [{ id: 'room', quantity: 'temperature', unit: '°C' }]);
  return c;
}

const reading = (ts: number, seq: number): Reading => ({
  sensor: 'room',
  quantity: 'temperature',
  unit: '°C',
  value: 19.5,
  ts,
  seq,
});

/** Publishes with QoS 1; resolves "acked", or "closed" when the hub ends the connection instead. */
function publish(c: MqttClient, node: string, readings: Reading[]): Promise<'acked' | 'closed'> {
  return new Promise((resolve) => {
    c.once('close', () => resolve('closed'));
    c.publishAsync(topics.readings(node), JSON.stringify({ readings }), { qos: 1 }).then(
      () => resolve('acked'),
      () => resolve('closed'),
    );
  });
}

async function stored(th: TestHub): Promise<number> {
  const res = await fetch(
    `${th.httpUrl}/api/series?sensor=clocked/room&from=0&to=${Date.now() + DAY}&step=raw`,
  );
  if (res.status !== 200) return 0;
  return ((await res.json()) as { points: { t: number[] } }).points.t.length;
}

describe('the hub keeps a trusted time', () => {
  it('started with its clock set back, it holds readings, says so, and stores them after "time set"', async () => {
    const dir = tmp();
    // a first life with a right clock: a reading stored, the time saved at stop
    const first = await hubOn(dir, Date.now);
    const { secret } = await first.addNode('clocked');
    const c1 = await node(first, 'clocked', secret);
    expect(await publish(c1, 'clocked', [reading(Date.now(), 1)])).toBe('acked');
    await c1.endAsync();
    await first.stopKeepData();

    // the machine boots thirty days in the past (a Raspberry Pi offline, no RTC)
    const back = () => Date.now() - 30 * DAY;
    const th = await hubOn(dir, back);
    expect(th.log.some((l) => /^the hub's clock \(.*\) is behind the last time it knew/.test(l))).toBe(true);
    const health = HealthBody.parse(await (await fetch(`${th.httpUrl}/api/health`)).json());
    expect(health.clockTrusted).toBe(false);
    expect(health.notices.some((n) => n.includes('readings are held until the time is set'))).toBe(true);
    expect((await th.run('status')).output).toMatch(/clock {7}.*NOT trusted: readings are held/);

    // a node whose own clock is right: its readings are neither stored nor acknowledged
    const c2 = await node(th, 'clocked', secret);
    const late = [reading(Date.now(), 2), reading(Date.now() + 1000, 3)];
    expect(await publish(c2, 'clocked', late)).toBe('closed');
    expect(await stored(th)).toBe(1);
    const rejections = await th.run('node rejections clocked');
    expect(rejections.output).toContain('clock_untrusted');
    expect(rejections.output).toContain("2 reading(s) held by the node: the hub's clock is not trusted");

    // the admin sets the time; the node sends its readings again and they are stored
    const set = await th.run(`time set ${new Date().toISOString().slice(0, 16)}Z`);
    expect(set.code).toBe(0);
    expect(set.output).toContain('The clock is trusted again: readings are stored again.');
    expect(th.hub.clock.trusted).toBe(true);
    expect(Math.abs(th.hub.clock.now() - Date.now())).toBeLessThan(DAY);
    const c3 = await node(th, 'clocked', secret);
    expect(await publish(c3, 'clocked', late)).toBe('acked');
    expect(await stored(th)).toBe(3);
    expect((await th.run('audit')).output).toMatch(/time set .* \(the clock read /);
  });

  it('keeps the time set on the console across a hub restart in the same boot, not after a reboot', () => {
    const dir = tmp();
    const db = openDb({ file: path.join(dir, 'communs.db') });
    cleanups.push(() => db.close());
    const store = new ClockStore({ db });
    let boot = 'boot-1';
    const make = () =>
      new TrustedClock({
        system: () => Date.now() - 30 * DAY,
        store,
        aheadMs: 0,
        bootId: () => boot,
        log: () => {},
      });
    store.save({ ts: Date.now(), offsetMs: 0, bootId: 'boot-0' });
    const a = make();
    a.check();
    expect(a.trusted).toBe(false);
    a.set(Date.now());
    expect(a.trusted).toBe(true);
    // systemd restarts the hub: same boot, the offset holds
    const b = make();
    b.check();
    expect(b.trusted).toBe(true);
    expect(Math.abs(b.now() - Date.now())).toBeLessThan(60_000);
    // the machine reboots thirty days behind again: checked anew, not trusted
    boot = 'boot-2';
    const c = make();
    c.check();
    expect(c.trusted).toBe(false);
  });

  it('trusts again by itself when the machine clock catches up (an RTC, date -s)', () => {
    const dir = tmp();
    const db = openDb({ file: path.join(dir, 'communs.db') });
    cleanups.push(() => db.close());
    const store = new ClockStore({ db });
    store.save({ ts: Date.now(), offsetMs: 0, bootId: null });
    let behind = 30 * DAY;
    const lines: string[] = [];
    const clock = new TrustedClock({
      system: () => Date.now() - behind,
      store,
      aheadMs: 0,
      everyMs: 10,
      log: (l) => lines.push(l),
    });
    clock.check();
    expect(clock.trusted).toBe(false);
    behind = 0;
    clock.check();
    expect(clock.trusted).toBe(true);
    expect(lines.at(-1)).toMatch(/trusted again, readings are stored again$/);
  });

  it('checks every minute but saves the time once a quarter of an hour: a save is a synced write', () => {
    const dir = tmp();
    const db = openDb({ file: path.join(dir, 'communs.db') });
    cleanups.push(() => db.close());
    const changes = () => db.prepare('SELECT total_changes()').pluck().get() as number;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    cleanups.push(() => vi.useRealTimers());
    const clock = new TrustedClock({
      system: Date.now,
      store: new ClockStore({ db }),
      aheadMs: 0,
      log: () => {},
    });
    clock.start();
    const started = changes();
    vi.advanceTimersByTime(14 * 60_000);
    expect(changes() - started).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(changes() - started).toBe(1);
    clock.stop();
    expect(changes() - started).toBe(2);
  });

  it('records how far each node clock is from the hub (status time against arrival)', async () => {
    const th = await hubOn(tmp(), Date.now);
    const { secret } = await th.addNode('drifty');
    const c = await node(th, 'drifty', secret);
    const status: StatusMessage = { state: 'online', ts: Date.now() - 5 * 60_000 };
    await c.publishAsync(topics.status('drifty'), JSON.stringify(status), { qos: 1, retain: true });
    const body = NodesBody.parse(await (await fetch(`${th.httpUrl}/api/nodes`)).json());
    const offset = body.nodes.find((n) => n.id === 'drifty')?.clockOffsetMs as number;
    expect(Math.abs(offset + 5 * 60_000)).toBeLessThan(10_000);
  });
});

describe('time set reads what an admin types', () => {
  it('takes local time in the hub zone, or UTC with Z, and refuses anything else', () => {
    expect(parseTimeSet('2026-12-05T10:00', 'Europe/Paris')).toBe(Date.UTC(2026, 11, 5, 9, 0));
    expect(parseTimeSet('2026-12-05 10:00:30', 'UTC')).toBe(Date.UTC(2026, 11, 5, 10, 0, 30));
    expect(parseTimeSet('2026-07-01T10:00+02:00', 'UTC')).toBe(Date.UTC(2026, 6, 1, 8, 0));
    expect(parseTimeSet('2026-12-05T10:00Z', 'Europe/Paris')).toBe(Date.UTC(2026, 11, 5, 10, 0));
    for (const bad of ['tomorrow', '05/12/2026 10:00', '2026-12-05', '1970-01-01T00:00Z', undefined])
      expect(parseTimeSet(bad, 'UTC')).toBeUndefined();
  });

  it('refuses a time before what the hub stored unless forced, in one line', async () => {
    const th = await hubOn(tmp(), Date.now);
    const r = await th.run('time set 2021-01-01T00:00Z');
    expect(r.code).toBe(2);
    expect(r.output).toMatch(
      /^error: 2021-01-01 00:00:00 UTC is before the last time the hub knew .*: check the date, or add --force$/,
    );
    expect((await th.run('time set 2021-01-01T00:00Z --force')).code).toBe(0);
  });
});
