/**
 * Publish → visible: polls `/api/series` for one reading (raw step, a 1 ms range at its timestamp)
 * until it is there. Resolves with the milliseconds since `sentAt`, or NaN after `timeoutMs`.
 */
export async function waitVisible(
  httpPort: number,
  node: string,
  ts: number,
  sentAt: number,
  timeoutMs = 10_000,
): Promise<number> {
  const url = `http://127.0.0.1:${httpPort}/api/series?sensor=${node}/p&from=${ts}&to=${ts + 1}&step=raw`;
  const deadline = sentAt + timeoutMs;
  while (performance.now() < deadline) {
    const res = await fetch(url);
    const body = (await res.json()) as { points?: { t: number[] } };
    if (body.points?.t.includes(ts)) return performance.now() - sentAt;
    await new Promise((r) => setTimeout(r, 10));
  }
  return Number.NaN;
}

/** Samples one in `every` publishes of a run for a visibility check; `results()` waits for them. */
export function visibilitySampler(httpPort: number, every: number) {
  const pending: Promise<number>[] = [];
  let n = 0;
  return {
    onPublish(node: string, ts: number): void {
      if (n++ % every !== 0) return;
      pending.push(waitVisible(httpPort, node, ts, performance.now()));
    },
    async results(): Promise<number[]> {
      return (await Promise.all(pending)).filter((x) => Number.isFinite(x));
    },
  };
}
