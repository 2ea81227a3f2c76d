/**
 * Pure helpers over a VM's snapshot tree (SnapshotTree from `snapshots.list`): the rows a tree table shows,
 * what each snapshot recorded, what a revert leaves the VM as, what a delete does to the rest, and the
 * default name of a new snapshot.
 */
import type { Snapshot, SnapshotNode } from '../../../../shared/domain/snapshot';

/** One row of the tree table: the snapshot with its place among its siblings (for aria-level & co). */
export interface SnapshotRow {
  readonly node: SnapshotNode;
  /** 1 for a root. */
  readonly level: number;
  /** 1-based position among its siblings, and how many siblings there are. */
  readonly posinset: number;
  readonly setsize: number;
  /** Under a collapsed ancestor. */
  readonly hidden: boolean;
}

/** Every snapshot, parents before children, each level oldest first (as the tree orders them). */
export function snapshotRows(
  roots: readonly SnapshotNode[],
  collapsed: ReadonlySet<string> = new Set(),
): SnapshotRow[] {
  const out: SnapshotRow[] = [];
  const walk = (nodes: readonly SnapshotNode[], level: number, hidden: boolean) => {
    nodes.forEach((node, i) => {
      out.push({ node, level, posinset: i + 1, setsize: nodes.length, hidden });
      walk(node.children, level + 1, hidden || collapsed.has(node.name));
    });
  };
  walk(roots, 1, false);
  return out;
}

/** The snapshot called `name`, anywhere in the tree. */
export function findSnapshot(roots: readonly SnapshotNode[], name: string): SnapshotNode | undefined {
  for (const r of roots) {
    if (r.name === name) return r;
    const below = findSnapshot(r.children, name);
    if (below) return below;
  }
  return undefined;
}

/** What the VM was when the snapshot was taken, as the table says it. */
export function recordedState(s: Pick<Snapshot, 'state' | 'memory'>): string {
  if (s.memory) {
    if (s.state === 'paused') return 'Paused, with memory';
    return 'Running, with memory';
  }
  switch (s.state) {
    case 'shutoff':
    case 'shut off':
      return 'Shut off';
    case 'disk-snapshot':
      return 'Disk only (VM was running)';
    case 'running':
      return 'Running, disk only';
    default:
      return s.state === '' ? 'Unknown' : s.state.charAt(0).toUpperCase() + s.state.slice(1);
  }
}

/**
 * What the VM is after a revert to the snapshot: running (or paused) when the snapshot holds its memory,
 * otherwise shut off (its disks only were recorded).
 */
export function stateAfterRevert(s: Pick<Snapshot, 'state' | 'memory'>): 'running' | 'paused' | 'shut off' {
  if (s.memory) return s.state === 'paused' ? 'paused' : 'running';
  return 'shut off';
}

/** For each snapshot to delete: the children its data merges into (none for a leaf). */
export interface DeleteEffect {
  readonly name: string;
  readonly mergesInto: readonly string[];
  /** It has children, all of them deleted too. */
  readonly childrenGoToo: boolean;
  readonly current: boolean;
  /** For the current one: the snapshot that becomes current (its nearest parent not deleted too). */
  readonly newCurrent: string | null;
}

export function deleteEffects(roots: readonly SnapshotNode[], names: readonly string[]): DeleteEffect[] {
  const doomed = new Set(names);
  const parentOf = new Map<string, string | null>();
  for (const r of snapshotRows(roots)) parentOf.set(r.node.name, r.node.parent);
  // The children a deleted snapshot's data reaches: its own, or theirs where those go too.
  const survivingChildren = (node: SnapshotNode): string[] =>
    node.children.flatMap((c) => (doomed.has(c.name) ? survivingChildren(c) : [c.name]));
  const survivingParent = (name: string): string | null => {
    let p = parentOf.get(name) ?? null;
    while (p !== null && doomed.has(p)) p = parentOf.get(p) ?? null;
    return p;
  };
  return names.flatMap((name) => {
    const node = findSnapshot(roots, name);
    if (!node) return [];
    return [
      {
        name,
        mergesInto: survivingChildren(node),
        childrenGoToo: node.children.length > 0 && survivingChildren(node).length === 0,
        current: node.current,
        newCurrent: node.current ? survivingParent(name) : null,
      },
    ];
  });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "snapshot-20261207-1730" (local time), with "-2", "-3"… when that name is taken. */
export function defaultSnapshotName(now: Date, taken: ReadonlySet<string> = new Set()): string {
  const base =
    `snapshot-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}` +
    `-${pad(now.getHours())}${pad(now.getMinutes())}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** A row's test id part: the name with anything outside [A-Za-z0-9_.-] replaced. */
export function snapshotTestId(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
