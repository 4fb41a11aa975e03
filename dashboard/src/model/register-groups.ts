import type { RegisterEntry, SharingLevel } from '../../../protocol/api.ts';

export interface RegisterHousehold {
  /** the household's or place's name; null when its sharing level keeps it unnamed */
  household: string | null;
  /** the group's nodes; empty for private households, whose sensors the register lists unidentified */
  nodes: string[];
  entries: RegisterEntry[];
}

export interface RegisterLevel {
  sharing: SharingLevel;
  rawRetentionDays: number;
  inOpenData: boolean;
  households: RegisterHousehold[];
}

const ORDER: SharingLevel[] = ['open', 'community', 'private'];

/**
 * The register for a phone, where a seven-column table does not fit: who sees the data, whether it
 * is open data and how long it is kept follow from the sharing level, so they are said once per
 * level, above its households and their sensors. Private households' sensors come without node or
 * series (docs/PRIVACY.md): they form one group, as the register cannot tell their homes apart.
 */
export function groupRegister(entries: readonly RegisterEntry[]): RegisterLevel[] {
  const levels = new Map<SharingLevel, RegisterLevel & { byKey: Map<string, RegisterHousehold> }>();
  for (const e of entries) {
    let level = levels.get(e.sharing);
    if (!level) {
      level = {
        sharing: e.sharing,
        rawRetentionDays: e.rawRetentionDays,
        inOpenData: e.inOpenData,
        households: [],
        byKey: new Map(),
      };
      levels.set(e.sharing, level);
    }
    const key = e.household === null ? `node:${e.node ?? ''}` : `household:${e.household}`;
    let h = level.byKey.get(key);
    if (!h) {
      h = { household: e.household, nodes: [], entries: [] };
      level.byKey.set(key, h);
      level.households.push(h);
    }
    if (e.node !== null && !h.nodes.includes(e.node)) h.nodes.push(e.node);
    h.entries.push(e);
  }
  return ORDER.flatMap((s) => {
    const l = levels.get(s);
    return l
      ? [
          {
            sharing: l.sharing,
            rawRetentionDays: l.rawRetentionDays,
            inOpenData: l.inOpenData,
            households: l.households,
          },
        ]
      : [];
  });
}

/**
 * A group's sensors as lines: the unidentified sensors of private households that measure the same
 * thing make one line with their count (a street of private homes is a few lines, not dozens);
 * a named sensor is a line of its own, with its series.
 */
export function sameLines(entries: readonly RegisterEntry[]): Array<{ entry: RegisterEntry; count: number }> {
  const out: Array<{ entry: RegisterEntry; count: number }> = [];
  const byKind = new Map<string, { entry: RegisterEntry; count: number }>();
  for (const e of entries) {
    if (e.sensor !== null) {
      out.push({ entry: e, count: 1 });
      continue;
    }
    const key = `${e.label ?? ''}\u0000${e.quantity}\u0000${e.unit}`;
    const line = byKind.get(key);
    if (line) line.count++;
    else {
      const fresh = { entry: e, count: 1 };
      byKind.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}
