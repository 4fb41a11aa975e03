import type { RegisterEntry, SharingLevel } from '../../../protocol/api.ts';

export interface RegisterHousehold {
  /** the household's or place's name; null when its sharing level keeps it unnamed */
  household: string | null;
  /** the first node of the group: names an unnamed household */
  node: string;
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
 * level, above its households and their sensors. Unnamed (private) households are kept apart by
 * node: the register does not say which private nodes share a home.
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
    const key = e.household === null ? `node:${e.node}` : `household:${e.household}`;
    let h = level.byKey.get(key);
    if (!h) {
      h = { household: e.household, node: e.node, entries: [] };
      level.byKey.set(key, h);
      level.households.push(h);
    }
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
