/**
 * A VM's snapshots on its host, through virsh: read them (two round trips whatever their number), read one
 * with the VM's state, take, revert and delete one (what decides the mode: facts.ts). Names and the domain
 * travel only as option values (`--domain UUID --snapshotname NAME`).
 */
import { AppError } from '../../../shared/domain/errors';
import type { Snapshot } from '../../../shared/domain/snapshot';
import { parseDomainXml } from '../../virt/parse';
import {
  parseSnapshotXml,
  snapshotDiskSources,
  snapshotFiles,
  type SnapshotXmlPlan,
} from '../../virt/snapshot-xml';
import { isNotFound, type HostOps } from '../host-ops';
import { snapshotCreateArgs } from './create-args';

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

const isAbsent = (error: string) => /not found|no domain snapshot/i.test(error);

/**
 * One snapshot (null when the VM has none of that name) and the VM's state (null when the VM is gone), in
 * one round trip.
 */
export async function snapshotAndState(
  ops: HostOps,
  uuid: string,
  name: string,
): Promise<{ snapshot: Omit<Snapshot, 'current'> | null; state: string | null }> {
  const [snap, state] = await ops.batch([
    ['snapshot-dumpxml', '--domain', uuid, '--snapshotname', name],
    ['domstate', '--domain', uuid],
  ]);
  if (!snap!.ok && !isAbsent(snap!.error)) {
    throw new AppError('HOST_ERROR', `Cannot read snapshot ${name}: ${snap!.error}`);
  }
  if (!state!.ok && !isNotFound(state!.error)) {
    throw new AppError('HOST_ERROR', `Cannot read the VM state: ${state!.error}`);
  }
  return {
    snapshot: snap!.ok ? parseSnapshotXml(snap!.out) : null,
    state: state!.ok ? state!.out.trim() : null,
  };
}

/** Whether the VM has a snapshot of that name now; throws while the host does not answer. */
export async function snapshotExists(ops: HostOps, uuid: string, name: string): Promise<boolean> {
  return (await snapshotAndPool(ops, uuid, name, null)).exists;
}

/**
 * Whether the VM has a snapshot of that name now, and in the same round trip the pool that holds a file
 * (null without a file or when no pool holds it); throws while the host does not answer.
 */
export async function snapshotAndPool(
  ops: HostOps,
  uuid: string,
  name: string,
  file: string | null,
): Promise<{ exists: boolean; pool: string | null }> {
  const [snap, vp] = await ops.batch([
    ['snapshot-dumpxml', '--domain', uuid, '--snapshotname', name],
    ...(file !== null ? [['vol-pool', '--vol', file]] : []),
  ]);
  if (!snap!.ok && !isAbsent(snap!.error)) {
    throw new AppError('HOST_ERROR', `Cannot read snapshot ${name}: ${snap!.error}`);
  }
  return { exists: snap!.ok, pool: vp?.ok ? vp.out.trim() || null : null };
}

/** Takes the snapshot of a plan: one command in the host's virsh session (snapshot-create-as). */
export async function takeSnapshot(ops: HostOps, uuid: string, plan: SnapshotXmlPlan): Promise<void> {
  await ops.driver.virsh(snapshotCreateArgs(uuid, plan), { timeoutMs: 30 * 60_000 });
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

/** Which of the paths exist on the host (a dangling link counts), in one command for all of them. */
export async function existingFiles(ops: HostOps, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const script = 'for f do if [ -e "$f" ] || [ -L "$f" ]; then printf "%s\\0" "$f"; fi; done';
  const r = await ops.driver.exec(['sh', '-c', script, 'sh', ...paths]);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `Cannot look for files on the host: ${r.stderr.trim()}`);
  return r.stdout.split('\0').filter((f) => f !== '');
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
