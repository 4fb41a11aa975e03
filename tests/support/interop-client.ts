import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SeriesBody } from '../../protocol/index.ts';
import type { TestHub } from './test-hub.ts';

const exec = promisify(execFile);

/** Provisions a device on the hub's console and returns the password it printed once. */
export async function addDevice(th: TestHub, line: string): Promise<string> {
  const { code, output } = await th.run(line);
  const secret = /password: (\S+)/.exec(output)?.[1];
  if (code !== 0 || !secret) throw new Error(`"${line}" failed: ${output}`);
  return secret;
}

/** Publishes with Debian's mosquitto_pub, a client no one here wrote. Rejects when it fails. */
export async function mosquittoPub(
  port: number,
  user: string,
  password: string,
  topic: string,
  message: string,
  opts: { qos?: 0 | 1; retain?: boolean; clientId?: string } = {},
): Promise<void> {
  await exec('mosquitto_pub', [
    ...['-h', '127.0.0.1', '-p', String(port), '-u', user, '-P', password, '-q', String(opts.qos ?? 1)],
    ...(opts.retain ? ['-r'] : []),
    // no -i: mosquitto_pub sends an empty client id, as paho (so emonhub) does
    ...(opts.clientId ? ['-i', opts.clientId] : []),
    ...['-t', topic, '-m', message],
  ]);
}

export async function series(th: TestHub, query: string): Promise<SeriesBody> {
  const res = await fetch(`${th.httpUrl}/api/series?${query}`);
  const body = (await res.json()) as SeriesBody;
  if (res.status !== 200) throw new Error(`/api/series?${query}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The last value of a series (raw step), or undefined when it has none. */
export async function lastValue(th: TestHub, sensor: string): Promise<number | undefined> {
  const body = await series(th, `sensor=${sensor}&step=raw`);
  return body.points.value.at(-1);
}

/** Local wall-clock time without an offset, as Tasmota writes `Time`. */
export function localTime(ts: number): string {
  const offset = new Date(ts).getTimezoneOffset() * 60_000;
  return new Date(ts - offset).toISOString().slice(0, 19);
}

/** Polls until `fn` gives a value; a throw counts as "not yet" (the last one is reported on timeout). */
export async function until<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
