import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskQueue, type NewReading } from './disk-queue.ts';

const reading = (value: number): NewReading => ({
  sensor: 'm',
  quantity: 'power',
  unit: 'W',
  value,
  ts: 1000 + value,
});
const fresh = () => mkdtempSync(join(tmpdir(), 'communs-queue-'));

function open(dir: string, maxReadings = 1000, segmentReadings = 10): DiskQueue {
  const q = new DiskQueue({ dir, maxReadings, segmentReadings });
  q.start();
  return q;
}

describe('disk queue (store-and-forward)', () => {
  it('numbers readings and hands them back in order', () => {
    const q = open(fresh());
    q.push([reading(1), reading(2)]);
    q.push([reading(3)]);
    const { readings, span } = q.peek(10);
    expect(readings.map((r) => [r.seq, r.value])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    q.ack(span);
    expect(q.size).toBe(0);
  });

  it('survives a restart: unsent readings come back with their ts and seq, sent ones do not', () => {
    const dir = fresh();
    const q = open(dir);
    for (let i = 0; i < 25; i++) q.push([reading(i)]);
    q.ack(q.peek(12).span);
    const again = open(dir);
    expect(again.size).toBe(13);
    const { readings } = again.peek(100);
    expect(readings[0]).toMatchObject({ seq: 12, value: 12, ts: 1012 });
    expect(readings.at(-1)?.seq).toBe(24);
  });

  it('never reuses a sequence number after a restart, even with an empty queue', () => {
    const dir = fresh();
    const q = open(dir);
    q.push([reading(1), reading(2)]);
    q.ack(q.peek(10).span);
    const again = open(dir);
    expect(again.push([reading(3)])[0]?.seq).toBe(2);
  });

  it('drops the oldest past the bound, counts them, and keeps the count across restarts', () => {
    const dir = fresh();
    const q = open(dir, 20);
    for (let i = 0; i < 50; i++) q.push([reading(i)]);
    expect(q.size).toBe(20);
    expect(q.dropped).toBe(30);
    expect(q.peek(1).readings[0]?.value).toBe(30);
    const again = open(dir, 20);
    expect(again.dropped).toBe(30);
    expect(again.peek(100).readings.map((r) => r.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => 30 + i),
    );
  });

  it('deletes segment files once they are sent', () => {
    const dir = fresh();
    const q = open(dir);
    for (let i = 0; i < 35; i++) q.push([reading(i)]);
    expect(readdirSync(dir).filter((f) => f.startsWith('seg-'))).toHaveLength(4);
    q.ack(q.peek(30).span);
    expect(readdirSync(dir).filter((f) => f.startsWith('seg-'))).toHaveLength(1);
  });

  it('cuts a half-written last line left by a crash and carries on', () => {
    const dir = fresh();
    const q = open(dir);
    q.push([reading(1), reading(2)]);
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-')) ?? '';
    appendFileSync(join(dir, seg), '{"sensor":"m","quan');
    const again = open(dir);
    again.push([reading(3)]);
    const third = open(dir);
    expect(third.peek(10).readings.map((r) => r.seq)).toEqual([0, 1, 2]);
  });
});

describe('what the queue writes (an SD card on a Pi Zero runs the agent)', () => {
  it('writes the position at most every stateEveryMs: after a crash the last acknowledged come again, never fewer', () => {
    const dir = fresh();
    let clock = 1_000_000;
    const q = new DiskQueue({
      dir,
      maxReadings: 1000,
      segmentReadings: 100,
      stateEveryMs: 10_000,
      now: () => clock,
    });
    q.start();
    for (let i = 0; i < 6; i++) q.push([reading(i)]);
    q.ack(2); // written: the first position change
    clock += 1000;
    q.ack(2); // within 10 s: held
    // a crash: the held position is lost, the two readings it covered are sent again (duplicates)
    const crashed = new DiskQueue({ dir, maxReadings: 1000, segmentReadings: 100 });
    crashed.start();
    expect(crashed.peek(10).readings.map((r) => r.value)).toEqual([2, 3, 4, 5]);
    // a clean stop writes it
    q.close();
    const stopped = new DiskQueue({ dir, maxReadings: 1000, segmentReadings: 100 });
    stopped.start();
    expect(stopped.peek(10).readings.map((r) => r.value)).toEqual([4, 5]);
  });

  it('without a directory keeps order, numbers and its bound in memory, and writes nothing', () => {
    const q = new DiskQueue({ maxReadings: 3, firstSeq: 40 });
    q.start();
    q.push([reading(1), reading(2)]);
    q.push([reading(3), reading(4)]);
    expect(q.dropped).toBe(1);
    const { readings, span } = q.peek(10);
    expect(readings.map((r) => [r.seq, r.value])).toEqual([
      [41, 2],
      [42, 3],
      [43, 4],
    ]);
    q.ack(span);
    q.close();
    expect(q.size).toBe(0);
  });
});
