/** A series' points, as arrays or as JSON text ready to send (docs/API.md, `/api/series`). */
export interface Points {
  t: number[];
  value: number[];
  min: number[];
  max: number[];
}

/**
 * Points already serialised: `{"t":[…],"value":[…],"min":[…],"max":[…]}` as JSON text in parts.
 * Bytes straight from SQLite or from the cache are never turned into a JS string (a day chart is
 * ~100 KB: the string, its flattening and its encoding cost ~0.1 ms and GC work per request).
 */
export class PointsJson {
  readonly parts: readonly (string | Uint8Array)[];
  constructor(parts: readonly (string | Uint8Array)[]) {
    this.parts = parts;
  }
}

/** The JSON text of a result's points in parts, whichever form they came in. */
export function pointsParts(points: Points | PointsJson): readonly (string | Uint8Array)[] {
  return points instanceof PointsJson ? points.parts : [JSON.stringify(points)];
}

/** The JSON text of a result's points as one string. */
export function pointsJson(points: Points | PointsJson): string {
  return pointsParts(points)
    .map((p) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString()))
    .join('');
}
