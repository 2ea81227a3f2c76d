import { describe, expect, it } from 'vitest';
import { groupTimeZones, isValidTimeZone, listTimeZones } from './timezone';

describe('time zones', () => {
  it('accepts every zone the engine lists, and UTC', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    for (const z of zones) expect(isValidTimeZone(z), z).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
  });

  it('accepts IANA links ICU resolves but does not list', () => {
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Etc/UTC')).toBe(true);
  });

  it('refuses unknown names, other spellings, offsets and hostile strings', () => {
    for (const bad of [
      '',
      'Mars/Olympus',
      'america/new_york',
      'AMERICA/NEW_YORK',
      '+05:30',
      'UTC; rm -rf /',
      '../etc/passwd',
      'Europe/Berlin\n',
    ]) {
      expect(isValidTimeZone(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('groups zones by region for the picker', () => {
    const groups = groupTimeZones(listTimeZones());
    expect(groups.get('America')).toContain('America/New_York');
    expect(groups.get('Other')).toContain('UTC');
    const total = [...groups.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBe(listTimeZones().length);
  });
});
