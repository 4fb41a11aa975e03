/**
 * The vertical scale of a bar chart: a round top and 3–5 round ticks ("0, 5, 10, 15 kWh"), and the
 * decimals its labels need. Residents read bars against round numbers, not against the maximum.
 */
export interface BarScale {
  top: number;
  ticks: number[];
  digits: number;
}

export function barScale(max: number): BarScale {
  if (!(max > 0)) return { top: 1, ticks: [0, 0.5, 1], digits: 1 };
  // the lowest top reached in 2–5 round steps; among equal tops, steps of 1, 2 or 5 before 2.5, and
  // about four intervals
  let best: { top: number; step: number; n: number; quarter: boolean } | undefined;
  const e0 = Math.floor(Math.log10(max));
  for (let e = e0 - 2; e <= e0 + 1; e++) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * 10 ** e;
      const n = Math.ceil(max / step - 1e-9);
      if (n < 2 || n > 5) continue;
      const top = Number((n * step).toPrecision(12));
      const c = { top, step, n, quarter: m === 2.5 };
      if (
        !best ||
        top < best.top - 1e-12 ||
        (Math.abs(top - best.top) < 1e-12 &&
          (Number(c.quarter) - Number(best.quarter) || Math.abs(n - 4) - Math.abs(best.n - 4)) < 0)
      )
        best = c;
    }
  }
  const { top, step, quarter } = best ?? { top: max, step: max, quarter: false };
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 2; i++) ticks.push(Number((i * step).toPrecision(12)));
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (quarter ? 1 : 0));
  return { top, ticks, digits };
}

/**
 * Every how many bars a label fits under a chart `widthPx` wide when a label takes `labelPx`: 31 days
 * on a phone get a label every 4th or 7th day instead of an unreadable row.
 */
export function labelStride(bars: number, widthPx: number, labelPx: number): number {
  if (bars <= 0 || widthPx <= 0) return 1;
  const stride = Math.ceil(labelPx / (widthPx / bars));
  // round to a stride that falls on the same weekday or a familiar step
  return [1, 2, 3, 4, 6, 7, 12].find((s) => s >= stride) ?? stride;
}
