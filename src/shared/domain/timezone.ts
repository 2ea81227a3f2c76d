/**
 * IANA time zone names. The list comes from the JavaScript engine's ICU data
 * (`Intl.supportedValuesOf('timeZone')`), plus the links that ICU resolves but does not list
 * (for example `UTC` and `Asia/Kolkata`), which exist under /usr/share/zoneinfo on every guest.
 */

const SEGMENT_RE = /^[A-Z][A-Za-z0-9_+-]*$/;

let cached: ReadonlySet<string> | null = null;

function canonicalZones(): ReadonlySet<string> {
  if (cached === null) {
    const list = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    cached = new Set(list);
  }
  return cached;
}

/** Every zone offered in pickers: the engine's canonical list with UTC, sorted. */
export function listTimeZones(): string[] {
  const zones = new Set(canonicalZones());
  zones.add('UTC');
  return [...zones].sort((a, b) => a.localeCompare(b));
}

/** Zones grouped by their region (the part before the first "/"); single-segment names go to "Other". */
export function groupTimeZones(zones: readonly string[] = listTimeZones()): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const z of zones) {
    const slash = z.indexOf('/');
    const region = slash === -1 ? 'Other' : z.slice(0, slash);
    const list = groups.get(region) ?? [];
    list.push(z);
    groups.set(region, list);
  }
  return groups;
}

export function isValidTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  // UTC is a link ICU does not list, and the zone most often asked for.
  if (name === 'UTC' || canonicalZones().has(name)) return true;
  // A link name ICU accepts but does not list: it must be spelled like a zoneinfo path.
  if (!name.split('/').every((seg) => SEGMENT_RE.test(seg))) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  // ICU matches names case-insensitively; refuse a different spelling of a listed zone.
  const lower = name.toLowerCase();
  for (const z of canonicalZones()) if (z.toLowerCase() === lower) return false;
  return true;
}
