import { describe, expect, it } from 'vitest';
import type { SnapshotNode } from '../../../../shared/domain/snapshot';
import {
  defaultSnapshotName,
  deleteEffects,
  findSnapshot,
  recordedState,
  snapshotRows,
  snapshotTestId,
  stateAfterRevert,
} from './tree';

function snap(
  name: string,
  parent: string | null,
  children: SnapshotNode[] = [],
  extra: Partial<SnapshotNode> = {},
) {
  return {
    name,
    parent,
    description: '',
    createdAt: '2026-12-07T10:00:00Z',
    state: 'shutoff',
    current: false,
    memory: false,
    mode: 'internal',
    children,
    ...extra,
  } satisfies SnapshotNode;
}

// a ─┬─ b ── c (current)
//    └─ d
// e
const tree: SnapshotNode[] = [
  snap('a', null, [snap('b', 'a', [snap('c', 'b', [], { current: true })]), snap('d', 'a')]),
  snap('e', null),
];

describe('snapshotRows', () => {
  it('lists parents before children with their level and place among siblings', () => {
    expect(snapshotRows(tree).map((r) => [r.node.name, r.level, r.posinset, r.setsize])).toEqual([
      ['a', 1, 1, 2],
      ['b', 2, 1, 2],
      ['c', 3, 1, 1],
      ['d', 2, 2, 2],
      ['e', 1, 2, 2],
    ]);
  });

  it('hides every row below a collapsed snapshot, and only those', () => {
    const hidden = snapshotRows(tree, new Set(['b'])).filter((r) => r.hidden);
    expect(hidden.map((r) => r.node.name)).toEqual(['c']);
    const underA = snapshotRows(tree, new Set(['a'])).filter((r) => r.hidden);
    expect(underA.map((r) => r.node.name)).toEqual(['b', 'c', 'd']);
  });

  it('an empty tree has no rows', () => {
    expect(snapshotRows([])).toEqual([]);
  });
});

describe('findSnapshot', () => {
  it('finds a snapshot at any depth, and nothing for an unknown name', () => {
    expect(findSnapshot(tree, 'c')?.current).toBe(true);
    expect(findSnapshot(tree, 'zz')).toBeUndefined();
  });
});

describe('recordedState and stateAfterRevert', () => {
  it('a snapshot with memory was taken running and reverts to running', () => {
    const s = { state: 'running', memory: true };
    expect(recordedState(s)).toBe('Running, with memory');
    expect(stateAfterRevert(s)).toBe('running');
  });

  it('a paused one with memory reverts to paused', () => {
    expect(stateAfterRevert({ state: 'paused', memory: true })).toBe('paused');
  });

  it('a disk-only snapshot reverts to shut off, whether the VM ran or not', () => {
    expect(recordedState({ state: 'shutoff', memory: false })).toBe('Shut off');
    expect(recordedState({ state: 'disk-snapshot', memory: false })).toBe('Disk only (VM was running)');
    expect(stateAfterRevert({ state: 'disk-snapshot', memory: false })).toBe('shut off');
    expect(stateAfterRevert({ state: 'shutoff', memory: false })).toBe('shut off');
  });

  it('an unknown state is shown as libvirt wrote it', () => {
    expect(recordedState({ state: 'crashed', memory: false })).toBe('Crashed');
  });
});

describe('deleteEffects', () => {
  it('a snapshot’s data merges into its children; a leaf merges into nothing', () => {
    expect(deleteEffects(tree, ['a', 'e'])).toEqual([
      { name: 'a', mergesInto: ['b', 'd'], childrenGoToo: false, current: false, newCurrent: null },
      { name: 'e', mergesInto: [], childrenGoToo: false, current: false, newCurrent: null },
    ]);
  });

  it('deleting a parent and a child together merges into the nearest child that stays', () => {
    expect(deleteEffects(tree, ['a', 'b']).map((e) => [e.name, e.mergesInto])).toEqual([
      ['a', ['c', 'd']],
      ['b', ['c']],
    ]);
  });

  it('a snapshot deleted with everything below it merges into nothing', () => {
    expect(deleteEffects(tree, ['b', 'c'])[0]).toMatchObject({ mergesInto: [], childrenGoToo: true });
  });

  it('deleting the current snapshot makes its nearest remaining parent current', () => {
    expect(deleteEffects(tree, ['c'])[0]).toMatchObject({ current: true, newCurrent: 'b' });
    expect(deleteEffects(tree, ['c', 'b'])[0]).toMatchObject({ current: true, newCurrent: 'a' });
    expect(deleteEffects(tree, ['c', 'b', 'a'])[0]).toMatchObject({ current: true, newCurrent: null });
  });

  it('ignores a name the tree does not have', () => {
    expect(deleteEffects(tree, ['zz'])).toEqual([]);
  });
});

describe('defaultSnapshotName', () => {
  const now = new Date(2026, 0, 5, 9, 7);

  it('is snapshot-YYYYMMDD-HHMM in local time', () => {
    expect(defaultSnapshotName(now)).toBe('snapshot-20260105-0907');
  });

  it('adds -2, -3… when the name is taken', () => {
    expect(defaultSnapshotName(now, new Set(['snapshot-20260105-0907']))).toBe('snapshot-20260105-0907-2');
    expect(defaultSnapshotName(now, new Set(['snapshot-20260105-0907', 'snapshot-20260105-0907-2']))).toBe(
      'snapshot-20260105-0907-3',
    );
  });
});

describe('snapshotTestId', () => {
  it('keeps plain names and replaces anything else', () => {
    expect(snapshotTestId('before-upgrade_1.2')).toBe('before-upgrade_1.2');
    expect(snapshotTestId('a b:c')).toBe('a_b_c');
  });
});
