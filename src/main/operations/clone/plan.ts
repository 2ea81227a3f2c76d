/**
 * What a clone of a source makes, read from the source's host once per request: each writable disk (its
 * file, declared format, pool, size, what a qcow2 copy needs), then per clone the new volume of each disk
 * and how it is made (copy, transfer to another host, overlay), and the checks that refuse a clone before
 * anything exists: the source not shut off, the name taken, a volume name taken, a pool without room. Each
 * host is read for them in one virsh round trip (the qemu-img reads of the source's disks beside it).
 */
import { AppError } from '../../../shared/domain/errors';
import { cloneFacts } from '../../virt/clone-xml';
import type { VmOnHost } from '../snapshots/context';
import { isNotFound, type HostOps } from '../host-ops';
import { onHost, type CloneDeps, type CloneJob, type DiskCopy } from './context';

/** One command's answer in a virsh round trip. */
type BatchResult = Awaited<ReturnType<HostOps['batch']>>[number];

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

const STATE = (uuid: string) => ['domstate', '--domain', uuid];
/** The source's inactive XML (with its graphics password: the clone keeps it). */
const XML = (uuid: string) => ['dumpxml', '--domain', uuid, '--inactive', '--security-info'];

/** Refuses unless domstate's answer says shut off (not there: NOT_FOUND; anything else: CONFLICT). */
function refuseStateUnlessShutOff(vm: VmOnHost, r: BatchResult | undefined): void {
  if (!r?.ok) {
    const error = r?.ok === false ? r.error : 'no answer';
    if (isNotFound(error)) throw new AppError('NOT_FOUND', `VM ${vm.name} is not on its host`, 'vmId');
    throw new AppError('HOST_ERROR', `Cannot read the state of VM ${vm.name}: ${error}`);
  }
  const state = r.out.trim();
  if (state !== 'shut off') {
    throw new AppError('CONFLICT', `VM ${vm.name} is ${state}: shut it down first`, 'vmId');
  }
}

function xmlOf(vm: VmOnHost, r: BatchResult | undefined): string {
  if (!r?.ok) {
    const error = r?.ok === false ? r.error : 'no answer';
    throw new AppError('HOST_ERROR', `Cannot read the definition of VM ${vm.name}: ${error}`);
  }
  return r.out;
}

/** The source read on its host in one round trip: refused unless shut off; its inactive XML. */
export async function readShutOffSource(ops: HostOps, vm: VmOnHost): Promise<string> {
  const [state, xml] = await ops.batch([STATE(vm.uuid), XML(vm.uuid)]);
  refuseStateUnlessShutOff(vm, state);
  return xmlOf(vm, xml);
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

/**
 * Every domain's name on the host (not a look-up by name: virsh would take "5" for a domain id): a command
 * of the host's check batch.
 */
const NAMES = ['list', '--all', '--name'];

/** Refuses names the host (its `list --all --name` answer) or the project already has. */
function refuseTakenNames(
  deps: CloneDeps,
  listed: BatchResult | undefined,
  at: { readonly hostId: string; readonly projectId: string },
  names: readonly string[],
): void {
  if (!listed?.ok) {
    const error = listed?.ok === false ? listed.error : 'no answer';
    throw new AppError('HOST_ERROR', `Cannot list the host's domains: ${error}`);
  }
  const onHostNames = new Set(listed.out.split('\n').map((l) => l.trim()));
  for (const name of names) {
    if (deps.vms.nameTaken(at.hostId, name) || deps.vms.nameTakenInProject(at.projectId, name)) {
      throw new AppError('CONFLICT', `A VM named ${name} exists already`, 'name');
    }
    if (onHostNames.has(name)) throw new AppError('CONFLICT', `A VM named ${name} exists already`, 'name');
  }
}

/** The JSON a qemu-img command prints about a disk, or a HOST_ERROR naming it. */
async function qemuImgJson<T>(ops: HostOps, argv: readonly string[], what: string): Promise<T> {
  return JSON.parse(await onHost(ops, argv, what)) as T;
}

/**
 * A disk's virtual size and, when asked, what a qcow2 copy of its whole chain needs (`qemu-img measure`):
 * the two commands run at once.
 */
async function measure(
  ops: HostOps,
  path: string,
  format: string,
  required: boolean,
): Promise<{ virtual: number; required: number }> {
  const [info, m] = await Promise.all([
    qemuImgJson<{ 'virtual-size': number }>(
      ops,
      ['qemu-img', 'info', '-U', '--output=json', '-f', format, '--', path],
      `Cannot read ${path}`,
    ),
    required
      ? qemuImgJson<{ required: number }>(
          ops,
          ['qemu-img', 'measure', '--output=json', '-f', format, '-O', 'qcow2', '--', path],
          `Cannot measure ${path}`,
        )
      : null,
  ]);
  return { virtual: info['virtual-size'], required: m?.required ?? 0 };
}

/**
 * The source's writable disks, read on its host (refused when one cannot be cloned), every disk at once:
 * their pools in one virsh round trip, their sizes beside it. `required`: measure what a copy of each needs
 * (a full clone, or a disk or base that may travel); an overlay on the host needs no more than its own
 * first bytes.
 */
export async function sourceDisks(
  ops: HostOps,
  xml: string,
  opts: { readonly required: boolean },
): Promise<SourceDisk[]> {
  const facts = cloneFacts(xml);
  if (facts.refusal) throw new AppError('UNSUPPORTED', facts.refusal, 'vmId');
  const copies = facts.disks.filter((d) => d.copy);
  for (const d of copies) {
    if (!/^[a-z][a-z0-9]{0,31}$/.test(d.target)) {
      throw new AppError(
        'UNSUPPORTED',
        `Disk target "${d.target.slice(0, 40)}" is not one QHCI knows`,
        'vmId',
      );
    }
  }
  if (!copies.length) return [];
  const [pools, sizes] = await Promise.all([
    ops.batch(copies.map((d) => ['vol-pool', '--vol', d.source!])),
    Promise.all(copies.map((d) => measure(ops, d.source!, d.format, opts.required))),
  ]);
  return copies.map((d, k) => {
    const pool = pools[k];
    return {
      target: d.target,
      source: d.source!,
      format: d.format,
      // A file that is no pool's volume has no pool (vol-pool fails).
      pool: (pool?.ok && pool.out.trim()) || null,
      virtualBytes: sizes[k]!.virtual,
      requiredBytes: sizes[k]!.required,
    };
  });
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

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

/** What the clones' pools need: on their host, and on the source's for the flattened copies of a transfer. */
function poolNeeds(disks: readonly DiskCopy[], cross: boolean) {
  const need = new Map<string, number>();
  const temp = new Map<string, number>();
  for (const d of disks) {
    need.set(d.pool, (need.get(d.pool) ?? 0) + d.requiredBytes);
    if (cross && (d.way === 'transfer' || (d.base && !d.base.path)) && d.sourcePool) {
      temp.set(d.sourcePool, (temp.get(d.sourcePool) ?? 0) + d.requiredBytes);
    }
  }
  return { need, temp };
}

/** Commands run in one virsh round trip, their answers found again by key. */
class Questions {
  readonly commands: string[][] = [];
  private readonly at = new Map<string, number>();
  private answers: readonly BatchResult[] = [];
  ask(key: string, command: string[]): void {
    if (this.at.has(key)) return;
    this.at.set(key, this.commands.length);
    this.commands.push(command);
  }
  async send(ops: HostOps): Promise<void> {
    this.answers = this.commands.length ? await ops.batch(this.commands) : [];
  }
  answer(key: string): BatchResult | undefined {
    const i = this.at.get(key);
    return i === undefined ? undefined : this.answers[i];
  }
}

const volKey = (pool: string, name: string) => `vol\0${pool}\0${name}`;

function freeBytes(pool: string, r: BatchResult | undefined): number {
  const m = r?.ok ? /Available:\s+(\d+)/.exec(r.out) : null;
  if (!m) throw new AppError('HOST_ERROR', `Cannot read the free space of pool ${pool}`);
  return Number(m[1]);
}

function volumeThere(pool: string, name: string, r: BatchResult | undefined): boolean {
  if (r?.ok) return true;
  const error = r?.ok === false ? r.error : 'no answer';
  if (isNotFound(error)) return false;
  throw new AppError('HOST_ERROR', `Cannot look for volume ${pool}/${name}: ${error}`);
}

/** The clones' host (and, for a clone to another host, the source's) as one round trip each reads it. */
export interface HostsRead {
  /** The answers to `lead`, in order. */
  readonly lead: readonly (BatchResult | undefined)[];
  /** Refuses what the answers show taken or short of room (names, room, volume names, in that order). */
  refuse(names: readonly string[]): void;
}

/**
 * Reads in one virsh round trip per host what decides whether the clones can be made there now: the
 * domains' names, each pool's free space and whether each new volume's name is taken; on the source's
 * host (a clone to another host) the same for the flattened copies a transfer makes there first. `lead`:
 * commands for the source's host put first in its round trip (its state and XML, under the lock).
 */
export async function readHosts(
  deps: CloneDeps,
  at: { readonly hostId: string; readonly projectId: string },
  destOps: HostOps,
  srcOps: HostOps | null,
  disks: readonly DiskCopy[],
  lead: readonly string[][] = [],
): Promise<HostsRead> {
  const { need, temp } = poolNeeds(disks, srcOps !== null);
  const dest = new Questions();
  const src = srcOps ? new Questions() : dest;
  lead.forEach((c, i) => src.ask(`lead${i}`, c));
  dest.ask('names', NAMES);
  for (const pool of need.keys()) dest.ask(`pool\0${pool}`, ['pool-info', '--pool', pool, '--bytes']);
  for (const pool of srcOps ? temp.keys() : []) {
    src.ask(`temp\0${pool}`, ['pool-info', '--pool', pool, '--bytes']);
  }
  for (const d of disks) {
    dest.ask(volKey(d.pool, d.volume), ['vol-info', '--pool', d.pool, '--vol', d.volume]);
    if (d.base && !d.base.path) {
      dest.ask(volKey(d.base.pool, d.base.volume), [
        'vol-info',
        '--pool',
        d.base.pool,
        '--vol',
        d.base.volume,
      ]);
    }
    for (const t of srcOps && d.sourcePool ? tempVolumes(d) : []) {
      src.ask(`temp${volKey(d.sourcePool!, t)}`, ['vol-info', '--pool', d.sourcePool!, '--vol', t]);
    }
  }
  await Promise.all([dest.send(destOps), src !== dest ? src.send(srcOps!) : null]);
  return {
    lead: lead.map((_, i) => src.answer(`lead${i}`)),
    refuse(names) {
      refuseTakenNames(deps, dest.answer('names'), at, names);
      const short = (pools: Map<string, number>, q: Questions, key: string, what: string) => {
        for (const [pool, bytes] of pools) {
          const free = freeBytes(pool, q.answer(`${key}\0${pool}`));
          if (bytes > free) {
            throw new AppError(
              'CONFLICT',
              `Pool ${pool}${what} has ${gib(free)} free; the clones need ${gib(bytes)}`,
            );
          }
        }
      };
      short(need, dest, 'pool', '');
      if (srcOps) short(temp, src, 'temp', " on the source's host");
      for (const d of disks) {
        if (volumeThere(d.pool, d.volume, dest.answer(volKey(d.pool, d.volume)))) {
          throw new AppError('CONFLICT', `Pool ${d.pool} already has a volume ${d.volume}`, 'name');
        }
        const b = d.base;
        if (b && !b.path && volumeThere(b.pool, b.volume, dest.answer(volKey(b.pool, b.volume)))) {
          throw new AppError(
            'CONFLICT',
            `Pool ${b.pool} already has a volume ${b.volume} that is not a verified copy of the template's ` +
              'base yet: another linked clone may be copying it there; try again once it is done',
            'name',
          );
        }
        for (const t of srcOps && d.sourcePool ? tempVolumes(d) : []) {
          if (volumeThere(d.sourcePool!, t, src.answer(`temp${volKey(d.sourcePool!, t)}`))) {
            throw new AppError(
              'CONFLICT',
              `Pool ${d.sourcePool} on the source's host already has a volume ${t}`,
              'name',
            );
          }
        }
      }
    },
  };
}

/** The answers to a `readHosts` lead of sourceNow(): refused unless shut off; its XML. */
export function shutOffXml(vm: VmOnHost, lead: readonly (BatchResult | undefined)[]): string {
  refuseStateUnlessShutOff(vm, lead[0]);
  return xmlOf(vm, lead[1]);
}

/** The lead that reads the source now: its state and inactive XML. */
export const sourceNow = (vm: VmOnHost): string[][] => [STATE(vm.uuid), XML(vm.uuid)];

/** The flattened copies a disk's transfer makes in its source pool first (named as the copy it becomes). */
export function tempVolumes(d: DiskCopy): string[] {
  if (d.way === 'transfer') return [d.volume];
  return d.base && !d.base.path ? [d.base.volume] : [];
}
