import { SeriesBody } from '../../protocol/index.ts';
import { getJson } from '../support/mqtt-node.ts';

/** Polls until `check` returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The points of one series (raw unless said), or undefined when the hub has none (yet). */
export async function rawSeries(
  httpUrl: string,
  series: string,
  from: number,
  step = 'raw',
): Promise<SeriesBody | undefined> {
  const url = `${httpUrl}/api/series?sensor=${series}&from=${from}&to=${Date.now() + 600_000}&step=${step}`;
  const res = await getJson<SeriesBody>(url);
  return res.status === 200 && res.body.points.t.length > 0 ? SeriesBody.parse(res.body) : undefined;
}
