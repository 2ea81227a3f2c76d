/**
 * A VM's snapshots on its host, through virsh: read them (two round trips whatever their number), read what
 * decides the mode (capabilities, the domain, its state, the pool its memory would go to), take, revert and
 * delete one. Names and the domain travel only as option values (`--domain UUID --snapshotname NAME`).
 */
import { AppError } from '../../../shared/domain/errors';
import type { Snapshot } from '../../../shared/domain/snapshot';
import { parseDomainXml } from '../../virt/parse';
import type { SnapshotFacts } from '../../virt/snapshot-mode';
import {
  domainUsesPflash,
  hostHasExternalSnapshots,
  parseSnapshotXml,
  snapshotDiskSources,
  snapshotFiles,
} from '../../virt/snapshot-xml';
import type { HostOps } from '../host-ops';

export type HostSnapshot = Omit<Snapshot, 'current'> & {
  /** What an external snapshot made (overlays, memory file), and the disk files it stands on. */
  readonly files: readonly string[];
  readonly under: readonly string[];
};

export interface HostSnapshots {
  readonly list: readonly HostSnapshot[];
  readonly current: string | null;
}

const ok = (r: { ok: true; out: string } | { ok: false; error: string }, what: string): string => {
  if (r.ok) return r.out;
  throw new AppError('HOST_ERROR', `${what}: ${r.error}`);
};

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** The VM's snapshots as its host has them, with the current one. */
export async function readSnapshots(ops: HostOps, uuid: string): Promise<HostSnapshots> {
  const [names, current] = await ops.batch([
    ['snapshot-list', '--domain', uuid, '--name'],
    ['snapshot-current', '--domain', uuid, '--name'],
  ]);
  const list = lines(ok(names!, 'Cannot list the snapshots'));
  if (list.length === 0) return { list: [], current: null };
  const xmls = await ops.batch(list.map((n) => ['snapshot-dumpxml', '--domain', uuid, '--snapshotname', n]));
  return {
    list: xmls.map((r, i) => {
      const xml = ok(r, `Cannot read snapshot ${list[i]}`);
      const s = parseSnapshotXml(xml);
      const under = s.mode === 'external' ? snapshotDiskSources(xml) : [];
      return { ...s, files: snapshotFiles(xml), under };
    }),
    // No current snapshot is an error for snapshot-current: none then.
    current: current!.ok ? current!.out.trim() || null : null,
  };
}

/** Whether the VM has a snapshot of that name now; throws while the host does not answer. */
export async function snapshotExists(ops: HostOps, uuid: string, name: string): Promise<boolean> {
  const r = await ops.batch([['snapshot-dumpxml', '--domain', uuid, '--snapshotname', name]]);
  if (r[0]!.ok) return true;
  if (/not found|no domain snapshot/i.test(r[0]!.error)) return false;
  throw new AppError('HOST_ERROR', `Cannot read snapshot ${name}: ${r[0]!.error}`);
}

/** Free bytes of the pool that holds a file (null when no pool holds it). */
async function poolOf(ops: HostOps, path: string): Promise<{ pool: string; free: number } | null> {
  const [vp] = await ops.batch([['vol-pool', '--vol', path]]);
  if (!vp!.ok) return null;
  const pool = vp!.out.trim();
  await ops.refreshPool(pool).catch(() => undefined);
  const info = await ops.driver.virsh(['pool-info', '--pool', pool, '--bytes']);
  const m = /Available:\s+(\d+)/.exec(info);
  return m ? { pool, free: Number(m[1]) } : { pool, free: 0 };
}

export interface VmFacts {
  readonly facts: SnapshotFacts;
  readonly domain: ReturnType<typeof parseDomainXml>;
  readonly snapshots: HostSnapshots;
}

/** Everything the mode decision needs, read from the host now. */
export async function readFacts(ops: HostOps, uuid: string, memoryRequested: boolean): Promise<VmFacts> {
  const [caps, version, xml, state] = await ops.batch([
    ['capabilities'],
    ['version', '--daemon'],
    ['dumpxml', '--domain', uuid],
    ['domstate', '--domain', uuid],
  ]);
  const domainXml = ok(xml!, 'Cannot read the domain');
  const domain = parseDomainXml(domainXml);
  const snapshots = await readSnapshots(ops, uuid);
  const disks = domain.disks.filter((d) => d.device === 'disk');
  const home = disks.find((d) => d.format === 'qcow2') ?? disks[0];
  const pool = home?.source ? await poolOf(ops, home.source) : null;
  const facts: SnapshotFacts = {
    disks: domain.disks,
    existingModes: [...new Set(snapshots.list.map((s) => s.mode))],
    externalSupported: hostHasExternalSnapshots(ok(caps!, 'Cannot read the capabilities')),
    pflash: domainUsesPflash(domainXml),
    libvirtVersion: /Running against daemon:\s*(\S+)/.exec(version!.ok ? version!.out : '')?.[1] ?? '',
    vmState: ok(state!, 'Cannot read the VM state').trim(),
    memoryRequested,
    memoryBytes: domain.memoryBytes,
    pool: pool?.pool ?? null,
    poolFreeBytes: pool?.free ?? null,
  };
  return { facts, domain, snapshots };
}

/** Takes a snapshot from its document. */
export async function takeSnapshot(ops: HostOps, uuid: string, xml: string): Promise<void> {
  await ops.withInput(xml, (file, stdin) =>
    ops.driver.virsh(['snapshot-create', '--domain', uuid, '--xmlfile', file, '--atomic'], {
      stdin,
      timeoutMs: 30 * 60_000,
    }),
  );
}

export async function revertSnapshot(ops: HostOps, uuid: string, name: string): Promise<void> {
  await ops.driver.virsh(['snapshot-revert', '--domain', uuid, '--snapshotname', name], {
    timeoutMs: 30 * 60_000,
  });
}

/** Deletes one snapshot (libvirt merges its data into its children); absent counts as done. */
export async function deleteSnapshot(
  ops: HostOps,
  uuid: string,
  name: string,
): Promise<'deleted' | 'absent'> {
  if (!(await snapshotExists(ops, uuid, name))) return 'absent';
  await ops.driver.virsh(['snapshot-delete', '--domain', uuid, '--snapshotname', name], {
    timeoutMs: 30 * 60_000,
  });
  return 'deleted';
}

/** Removes a file the snapshot made (an external overlay or memory file) unless the domain still uses it. */
export async function removeSnapshotFile(ops: HostOps, uuid: string, path: string): Promise<boolean> {
  const state = await ops.domainState(uuid);
  if (state !== null) {
    const live = parseDomainXml(await ops.driver.virsh(['dumpxml', '--domain', uuid]));
    const used = live.disks.some((d) => d.source === path || d.backingChain.includes(path));
    if (used) return false;
  }
  const r = await ops.driver.exec(['rm', '-f', '--', path]);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `Cannot remove ${path}: ${r.stderr.trim()}`);
  return true;
}
