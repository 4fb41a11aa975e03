import type { SharingLevel } from '../../protocol/index.ts';
import type { HouseholdRow, Registry, SensorRow } from './store/registry.ts';

/**
 * The sharing rules of docs/PRIVACY.md, in one place. `private`: detail only through the household's own
 * link; `community`: named and shown on the shared screen; `open`: also in the open-data export.
 * A node attached to no household is treated as private.
 */
export function sharingOf(h: HouseholdRow | undefined): SharingLevel {
  return h?.sharing ?? 'private';
}

export function isPublicDetail(h: HouseholdRow | undefined): boolean {
  const s = sharingOf(h);
  return s === 'community' || s === 'open';
}

export function isOpenData(h: HouseholdRow | undefined): boolean {
  return sharingOf(h) === 'open';
}

export function publicSensor(registry: Registry, sensor: SensorRow): boolean {
  return isPublicDetail(registry.householdOfSensor(sensor.id));
}

export function visibleTo(s: SharingLevel): string {
  switch (s) {
    case 'private':
      return 'the household only, through its private link; counted anonymously in collective figures of 3 or more households';
    case 'community':
      return 'residents of the neighbourhood, on the shared screen and the dashboard';
    case 'open':
      return 'everyone: shown on the dashboard and published in the open-data export';
  }
}
