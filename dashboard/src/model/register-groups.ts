import type { RegisterEntry, SharingLevel } from '../../../protocol/api.ts';

export interface RegisterGroup {
  /** the household's or place's name; null when its sharing level keeps it unnamed */
  household: string | null;
  /** the first node of the group: names an unnamed household's card */
  node: string;
  sharing: SharingLevel;
  rawRetentionDays: number;
  inOpenData: boolean;
  entries: RegisterEntry[];
}

/**
 * The register by household, for a phone: sharing, retention and open data are the household's,
 * so they are said once above its sensors instead of on every row. Unnamed (private) households
 * are kept apart by node: the register does not say which private nodes share a home.
 */
export function groupRegister(entries: readonly RegisterEntry[]): RegisterGroup[] {
  const groups = new Map<string, RegisterGroup>();
  for (const e of entries) {
    const key = e.household === null ? `node:${e.node}` : `household:${e.household}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        household: e.household,
        node: e.node,
        sharing: e.sharing,
        rawRetentionDays: e.rawRetentionDays,
        inOpenData: e.inOpenData,
        entries: [],
      };
      groups.set(key, g);
    }
    g.entries.push(e);
  }
  return [...groups.values()];
}
