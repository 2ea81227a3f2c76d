/**
 * `<domainsnapshot>` documents: the one QHCI asks libvirt to take (internal: inside the qcow2 disks; external:
 * an overlay file per disk and a memory file), and the ones `virsh snapshot-dumpxml` returns, read into the
 * tree the console shows. Pure.
 */
import type { Snapshot, SnapshotMode, SnapshotNode, SnapshotTree } from '../../shared/domain/snapshot';
import { xmlBuilder } from './domain-xml';
import { node, nodes, parseXml, text } from './xml';

export interface SnapshotDiskPlan {
  /** The disk's target ("vda"). */
  readonly target: string;
  /** External only: the overlay file the disk continues in. */
  readonly overlay?: string;
}

export interface SnapshotXmlPlan {
  readonly name: string;
  readonly description?: string;
  readonly mode: SnapshotMode;
  /** Save the running VM's memory (external: into `memoryFile`). */
  readonly memory: boolean;
  readonly memoryFile?: string;
  /** The disks that take part; the others (CD-ROMs, read-only disks) are left out of the snapshot. */
  readonly disks: readonly SnapshotDiskPlan[];
  /** Disks (targets) the snapshot leaves out explicitly ("no"): shared ISOs, read-only disks. */
  readonly excluded?: readonly string[];
}

type El = Record<string, unknown>;

function memoryEl(plan: SnapshotXmlPlan): El {
  if (!plan.memory) return { '@snapshot': 'no' };
  if (plan.mode === 'internal') return { '@snapshot': 'internal' };
  if (!plan.memoryFile) throw new Error('An external memory snapshot needs a memory file');
  return { '@snapshot': 'external', '@file': plan.memoryFile };
}

function diskEl(plan: SnapshotXmlPlan, d: SnapshotDiskPlan): El {
  if (plan.mode === 'internal') return { '@name': d.target, '@snapshot': 'internal' };
  if (!d.overlay) throw new Error(`An external snapshot needs an overlay file for ${d.target}`);
  return {
    '@name': d.target,
    '@snapshot': 'external',
    '@type': 'file',
    driver: { '@type': 'qcow2' },
    source: { '@file': d.overlay },
  };
}

/** The document `virsh snapshot-create --xmlfile` takes. */
export function buildSnapshotXml(plan: SnapshotXmlPlan): string {
  if (plan.disks.length === 0) throw new Error('A snapshot needs at least one disk');
  const snap: El = { name: plan.name };
  if (plan.description) snap.description = plan.description;
  snap.memory = memoryEl(plan);
  snap.disks = {
    disk: [
      ...plan.disks.map((d) => diskEl(plan, d)),
      ...(plan.excluded ?? []).map((t) => ({ '@name': t, '@snapshot': 'no' })),
    ],
  };
  return String(xmlBuilder.build({ domainsnapshot: snap }));
}

/** One snapshot as `snapshot-dumpxml` describes it (without the current flag, which comes apart). */
export function parseSnapshotXml(xml: string): Omit<Snapshot, 'current'> {
  const snap = node(parseXml(xml), 'domainsnapshot');
  if (!snap) throw new Error('Not a domain snapshot document');
  const memory = text(node(snap, 'memory'), '@snapshot') ?? 'no';
  const disks = nodes(node(snap, 'disks'), 'disk').map((d) => text(d, '@snapshot') ?? 'no');
  const external = memory === 'external' || disks.includes('external');
  const seconds = Number(text(snap, 'creationTime') ?? 0);
  const state = text(snap, 'state') ?? 'unknown';
  return {
    name: text(snap, 'name') ?? '',
    description: text(snap, 'description') ?? '',
    parent: text(node(snap, 'parent'), 'name') ?? null,
    createdAt: new Date((Number.isFinite(seconds) ? seconds : 0) * 1000).toISOString(),
    state,
    // A snapshot of a running VM holds its memory unless it was disk-only.
    memory: memory === 'internal' || memory === 'external',
    mode: external ? 'external' : 'internal',
  };
}

/** The snapshots as a tree: children under their parent, each level oldest first. */
export function snapshotTree(
  vmId: string,
  list: readonly Omit<Snapshot, 'current'>[],
  current: string | null,
): SnapshotTree {
  const byName = new Set(list.map((s) => s.name));
  const children = new Map<string | null, Omit<Snapshot, 'current'>[]>();
  for (const s of list) {
    // A parent that is not in the list (deleted with --children-only, or metadata lost) makes a root.
    const parent = s.parent !== null && byName.has(s.parent) ? s.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const order = (a: Omit<Snapshot, 'current'>, b: Omit<Snapshot, 'current'>) =>
    a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name);
  const seen = new Set<string>();
  const build = (parent: string | null): SnapshotNode[] =>
    (children.get(parent) ?? [])
      .filter((s) => !seen.has(s.name) && seen.add(s.name))
      .sort(order)
      .map((s) => ({ ...s, current: s.name === current, children: build(s.name) }));
  const roots = build(null);
  return { vmId, roots, count: seen.size, current: current !== null && byName.has(current) ? current : null };
}

/** The tree flattened, parents before children. */
export function flattenTree(roots: readonly SnapshotNode[]): SnapshotNode[] {
  return roots.flatMap((r) => [r, ...flattenTree(r.children)]);
}

/** Whether the host's capabilities report external snapshots (revert and delete; libvirt ≥ 9.9). */
export function hostHasExternalSnapshots(capabilitiesXml: string): boolean {
  const caps = node(parseXml(capabilitiesXml), 'capabilities');
  return nodes(caps, 'guest').some((g) => node(g, 'features')?.externalSnapshot !== undefined);
}

/** The firmware loader of a domain document: pflash (UEFI with NVRAM) or something else. */
export function domainUsesPflash(domainXml: string): boolean {
  const os = node(node(parseXml(domainXml), 'domain'), 'os');
  const loader = node(os, 'loader');
  return text(loader, '@type') === 'pflash' || (text(os, '@firmware') === 'efi' && loader === undefined);
}

/** The files an external snapshot made: each disk's overlay and the memory file. */
export function snapshotFiles(xml: string): string[] {
  const snap = node(parseXml(xml), 'domainsnapshot');
  const files = nodes(node(snap, 'disks'), 'disk')
    .filter((d) => text(d, '@snapshot') === 'external')
    .map((d) => text(node(d, 'source'), '@file'));
  const memory = node(snap, 'memory');
  if (text(memory, '@snapshot') === 'external') files.push(text(memory, '@file'));
  return files.filter((f): f is string => f !== undefined && f !== '');
}

/** The disks of the VM as an external snapshot recorded it (the files its overlays stand on). */
export function snapshotDiskSources(xml: string): string[] {
  const snap = node(parseXml(xml), 'domainsnapshot');
  return nodes(node(node(snap, 'domain'), 'devices'), 'disk')
    .filter((d) => (text(d, '@device') ?? 'disk') === 'disk')
    .map((d) => text(node(d, 'source'), '@file'))
    .filter((f): f is string => f !== undefined && f !== '');
}
