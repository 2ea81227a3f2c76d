/**
 * What a clone of a source makes, read from the source's host once per request: each writable disk (its
 * file, declared format, pool, size, what a qcow2 copy needs), then per clone the new volume of each disk
 * and how it is made (copy, transfer to another host, overlay), and the checks that refuse a clone before
 * anything exists: the name taken, a volume name taken, a pool without room.
 */
import { AppError } from '../../../shared/domain/errors';
import { cloneFacts } from '../../virt/clone-xml';
import type { HostOps } from '../host-ops';
import type { VmOnHost } from '../snapshots/context';
import { onHost, type CloneDeps, type CloneJob, type DiskCopy } from './context';

/** A writable disk of the source as its host reports it. */
export interface SourceDisk {
  readonly target: string;
  readonly source: string;
  readonly format: string;
  readonly pool: string | null;
  readonly virtualBytes: number;
  readonly requiredBytes: number;
}

/** An overlay's own first bytes (qcow2 header, tables): what a linked clone's volume needs at first. */
export const OVERLAY_BYTES = 1024 ** 2;

/** The source's inactive XML (with its graphics password: the clone keeps it). */
export function sourceXml(ops: HostOps, uuid: string): Promise<string> {
  return ops.driver.virsh(['dumpxml', '--domain', uuid, '--inactive', '--security-info']);
}

export async function refuseUnlessShutOff(ops: HostOps, vm: VmOnHost): Promise<void> {
  const state = await ops.domainState(vm.uuid);
  if (state === null) throw new AppError('NOT_FOUND', `VM ${vm.name} is not on its host`, 'vmId');
  if (state !== 'shut off') {
    throw new AppError('CONFLICT', `VM ${vm.name} is ${state}: shut it down first`, 'vmId');
  }
}

/** A linked clone stands on a template's disks, which never change: any other source is refused. */
export function refuseUnlessTemplate(deps: CloneDeps, vm: VmOnHost): void {
  if (!deps.vms.get(vm.id)?.template) {
    throw new AppError(
      'CONFLICT',
      `VM ${vm.name} is not a template: convert it first (a linked clone stands on a template's disks)`,
      'mode',
    );
  }
}

/** Every domain's name on the host (not a look-up by name: virsh would take "5" for a domain id). */
async function domainNames(ops: HostOps): Promise<string[]> {
  const out = await ops.driver.virsh(['list', '--all', '--name']);
  return out.split('\n').map((l) => l.trim());
}

/** Refuses names the host or the project already has. */
export async function refuseTakenNames(
  deps: CloneDeps,
  ops: HostOps,
  at: { readonly hostId: string; readonly projectId: string },
  names: readonly string[],
): Promise<void> {
  const onHostNames = new Set(await domainNames(ops));
  for (const name of names) {
    if (deps.vms.nameTaken(at.hostId, name) || deps.vms.nameTakenInProject(at.projectId, name)) {
      throw new AppError('CONFLICT', `A VM named ${name} exists already`, 'name');
    }
    if (onHostNames.has(name)) throw new AppError('CONFLICT', `A VM named ${name} exists already`, 'name');
  }
}

async function poolOf(ops: HostOps, path: string): Promise<string | null> {
  try {
    return (await ops.driver.virsh(['vol-pool', '--vol', path])).trim() || null;
  } catch {
    return null;
  }
}

/** A disk's virtual size and, when asked, what a qcow2 copy of its whole chain needs (`qemu-img measure`). */
async function measure(
  ops: HostOps,
  path: string,
  format: string,
  required: boolean,
): Promise<{ virtual: number; required: number }> {
  const info = JSON.parse(
    await onHost(
      ops,
      ['qemu-img', 'info', '-U', '--output=json', '-f', format, '--', path],
      `Cannot read ${path}`,
    ),
  ) as { 'virtual-size': number };
  if (!required) return { virtual: info['virtual-size'], required: 0 };
  const m = JSON.parse(
    await onHost(
      ops,
      ['qemu-img', 'measure', '--output=json', '-f', format, '-O', 'qcow2', '--', path],
      `Cannot measure ${path}`,
    ),
  ) as { required: number };
  return { virtual: info['virtual-size'], required: m.required };
}

/**
 * The source's writable disks, read on its host (refused when one cannot be cloned). `required`: measure what
 * a copy of each needs (a full clone, or a disk or base that may travel); an overlay on the host needs no more
 * than its own first bytes.
 */
export async function sourceDisks(
  ops: HostOps,
  xml: string,
  opts: { readonly required: boolean },
): Promise<SourceDisk[]> {
  const facts = cloneFacts(xml);
  if (facts.refusal) throw new AppError('UNSUPPORTED', facts.refusal, 'vmId');
  const copies = facts.disks.filter((d) => d.copy);
  const pools = await Promise.all(copies.map((d) => poolOf(ops, d.source!)));
  const out: SourceDisk[] = [];
  for (const [k, d] of copies.entries()) {
    if (!/^[a-z][a-z0-9]{0,31}$/.test(d.target)) {
      throw new AppError(
        'UNSUPPORTED',
        `Disk target "${d.target.slice(0, 40)}" is not one QHCI knows`,
        'vmId',
      );
    }
    const size = await measure(ops, d.source!, d.format, opts.required);
    out.push({
      target: d.target,
      source: d.source!,
      format: d.format,
      pool: pools[k] ?? null,
      virtualBytes: size.virtual,
      requiredBytes: size.required,
    });
  }
  return out;
}

/** The volume name of a template's base copied to another host. */
export const baseVolumeName = (templateName: string, target: string) =>
  `${templateName}-base-${target}.qcow2`;

/** Whether a file is on the host. */
async function fileExists(ops: HostOps, path: string): Promise<boolean> {
  return (await ops.driver.exec(['test', '-f', path])).code === 0;
}

/** The new volume of each source disk for one clone on its host, and how each is made. */
export async function planCloneDisks(
  deps: CloneDeps,
  source: VmOnHost,
  disks: readonly SourceDisk[],
  job: CloneJob,
  destOps: HostOps,
): Promise<DiskCopy[]> {
  const cross = job.hostId !== source.hostId;
  const fallback = disks.find((d) => d.pool !== null)?.pool ?? null;
  const out: DiskCopy[] = [];
  for (const [k, d] of disks.entries()) {
    const pool = job.pools?.[k] ?? (cross ? null : (d.pool ?? fallback));
    if (!pool) throw new AppError('UNSUPPORTED', `Disk ${d.target} is in no storage pool`, 'vmId');
    if (cross && !d.pool) {
      throw new AppError(
        'UNSUPPORTED',
        `Disk ${d.target} is in no storage pool on its host: it cannot travel to another host`,
        'vmId',
      );
    }
    let base: DiskCopy['base'] = null;
    let required = job.mode === 'linked' ? OVERLAY_BYTES : d.requiredBytes;
    if (job.mode === 'linked' && cross) {
      const known = deps.templateBases.get(source.id, job.hostId, d.target);
      if (known && (await fileExists(destOps, known.path))) {
        base = {
          pool: known.pool,
          volume: known.path.slice(known.path.lastIndexOf('/') + 1),
          path: known.path,
        };
      } else {
        if (known) deps.templateBases.forget(source.id, job.hostId, d.target);
        base = { pool, volume: baseVolumeName(source.name, d.target), path: null };
        required += d.requiredBytes;
      }
    }
    out.push({
      target: d.target,
      source: d.source,
      format: d.format,
      sourcePool: d.pool,
      way: job.mode === 'linked' ? 'overlay' : cross ? 'transfer' : 'convert',
      pool,
      volume: `${job.name}-disk${k}.qcow2`,
      virtualBytes: d.virtualBytes,
      requiredBytes: required,
      base,
      path: null,
    });
  }
  return out;
}

async function poolAvailable(ops: HostOps, pool: string): Promise<number> {
  const out = await ops.driver.virsh(['pool-info', '--pool', pool, '--bytes']);
  const m = /Available:\s+(\d+)/.exec(out);
  if (!m) throw new AppError('HOST_ERROR', `Cannot read the free space of pool ${pool}`);
  return Number(m[1]);
}

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

/**
 * Refuses when a pool of the clones' host lacks room for all of them, or already has a volume of a name
 * they need; on the source's host, the same for the flattened copies a transfer makes there first.
 */
export async function refuseNoRoom(
  destOps: HostOps,
  srcOps: HostOps | null,
  disks: readonly DiskCopy[],
): Promise<void> {
  const need = new Map<string, number>();
  const temp = new Map<string, number>();
  for (const d of disks) {
    need.set(d.pool, (need.get(d.pool) ?? 0) + d.requiredBytes);
    if (srcOps && (d.way === 'transfer' || (d.base && !d.base.path)) && d.sourcePool) {
      temp.set(d.sourcePool, (temp.get(d.sourcePool) ?? 0) + d.requiredBytes);
    }
  }
  const check = async (ops: HostOps, pools: Map<string, number>, what: string) => {
    for (const [pool, bytes] of pools) {
      const free = await poolAvailable(ops, pool);
      if (bytes > free) {
        throw new AppError(
          'CONFLICT',
          `Pool ${pool}${what} has ${gib(free)} free; the clones need ${gib(bytes)}`,
        );
      }
    }
  };
  await check(destOps, need, '');
  if (srcOps) await check(srcOps, temp, " on the source's host");
  for (const d of disks) {
    if (await destOps.volumeExists(d.pool, d.volume)) {
      throw new AppError('CONFLICT', `Pool ${d.pool} already has a volume ${d.volume}`, 'name');
    }
    if (d.base && !d.base.path && (await destOps.volumeExists(d.base.pool, d.base.volume))) {
      throw new AppError(
        'CONFLICT',
        `Pool ${d.base.pool} already has a volume ${d.base.volume} that is not a verified copy of the template's ` +
          'base yet: another linked clone may be copying it there; try again once it is done',
        'name',
      );
    }
    const temps = srcOps && d.sourcePool ? tempVolumes(d) : [];
    for (const t of temps) {
      if (await srcOps!.volumeExists(d.sourcePool!, t)) {
        throw new AppError(
          'CONFLICT',
          `Pool ${d.sourcePool} on the source's host already has a volume ${t}`,
          'name',
        );
      }
    }
  }
}

/** The flattened copies a disk's transfer makes in its source pool first (named as the copy it becomes). */
export function tempVolumes(d: DiskCopy): string[] {
  if (d.way === 'transfer') return [d.volume];
  return d.base && !d.base.path ? [d.base.volume] : [];
}
