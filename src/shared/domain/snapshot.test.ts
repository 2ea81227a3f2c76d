import { describe, expect, it } from 'vitest';
import { SnapshotCreateInput, SnapshotDeleteInput, SnapshotName } from './snapshot';

describe('snapshot names', () => {
  it('accepts printable names with spaces, dots and unicode', () => {
    for (const n of ['before upgrade', 'v1.2_rc-3', 'état 1', 'a'.repeat(64)]) {
      expect(SnapshotName.safeParse(n).success, n).toBe(true);
    }
  });

  it('refuses names virsh could read as options, paths, markup or shell, and control characters', () => {
    for (const n of [
      '',
      '-x',
      '--current',
      '.hidden',
      'a/b',
      '../x',
      'a\nb',
      'a\u0000',
      'tab\there',
      ' lead',
      'trail ',
      "it's",
      'a"b',
      '<x>',
      'a&b',
      '$(reboot)',
      '`id`',
      'back\\slash',
      'a'.repeat(65),
    ]) {
      expect(SnapshotName.safeParse(n).success, JSON.stringify(n)).toBe(false);
    }
  });

  it('create and delete inputs: strict, names checked, no duplicates', () => {
    const vmId = '00000000-0000-4000-8000-000000000001';
    expect(SnapshotCreateInput.safeParse({ vmId, name: 's1', memory: false }).success).toBe(true);
    expect(SnapshotCreateInput.safeParse({ vmId, name: 's1', memory: false, x: 1 }).success).toBe(false);
    expect(SnapshotDeleteInput.safeParse({ vmId, names: ['a', 'a'] }).success).toBe(false);
    expect(SnapshotDeleteInput.safeParse({ vmId, names: [] }).success).toBe(false);
    expect(SnapshotDeleteInput.safeParse({ vmId, names: ['a', '-b'] }).success).toBe(false);
  });
});
