/** The time zone picker's data: every IANA zone, grouped by region, with its current UTC offset. */
import { groupTimeZones, listTimeZones } from '../../../../../shared/domain/timezone';

export interface ZoneGroup {
  readonly region: string;
  readonly zones: readonly string[];
}

let groups: readonly ZoneGroup[] | null = null;
const offsets = new Map<string, string>();

export function zoneGroups(): readonly ZoneGroup[] {
  groups ??= [...groupTimeZones(listTimeZones())].map(([region, zones]) => ({ region, zones }));
  return groups;
}

/** "GMT+5:30", "GMT-4", "GMT" for the zone right now. */
export function zoneOffset(zone: string): string {
  let off = offsets.get(zone);
  if (off === undefined) {
    try {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        timeZoneName: 'shortOffset',
      }).formatToParts();
      off = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    } catch {
      off = '';
    }
    offsets.set(zone, off);
  }
  return off;
}

/** Zones whose name contains the filter; spaces match underscores ("new york" finds America/New_York). */
export function filterZoneGroups(filter: string): ZoneGroup[] {
  const needle = filter.trim().toLowerCase().replace(/\s+/g, '_');
  if (needle === '') return [...zoneGroups()];
  return zoneGroups()
    .map((g) => ({ region: g.region, zones: g.zones.filter((z) => z.toLowerCase().includes(needle)) }))
    .filter((g) => g.zones.length > 0);
}

/** Where each group's first zone sits in the flat list of all shown zones (for keyboard focus). */
export function groupStarts(groups: readonly ZoneGroup[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const g of groups) {
    starts.push(at);
    at += g.zones.length;
  }
  return starts;
}
