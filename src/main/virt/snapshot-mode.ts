/**
 * Which kind of snapshot a VM can take on its host, decided over plain data before anything is tried:
 * external (overlay files) where the host's capabilities report `<externalSnapshot/>` (libvirt ≥ 9.9, which
 * can revert and delete them) and every disk is a file; otherwise internal (inside qcow2 disks). One VM
 * never mixes the two: a VM with snapshots keeps their mode. Each refusal says what prevents it and what
 * works instead. Pure.
 */
import type { DomainDisk } from '../../shared/domain/host';
import type { SnapshotMode, SnapshotPlan } from '../../shared/domain/snapshot';
import type { SnapshotDiskPlan } from './snapshot-xml';

export interface SnapshotFacts {
  readonly disks: readonly Pick<DomainDisk, 'device' | 'target' | 'source' | 'format'>[];
  /** The modes of the snapshots the VM has now. */
  readonly existingModes: readonly SnapshotMode[];
  readonly externalSupported: boolean;
  /** UEFI firmware with an NVRAM (pflash) loader. */
  readonly pflash: boolean;
  /** "9.0.0", for the messages. */
  readonly libvirtVersion: string;
  /** `virsh domstate` ("running", "shut off", "paused"…). */
  readonly vmState: string;
  readonly memoryRequested: boolean;
  readonly memoryBytes: number;
  /** The pool the memory state would go to (the first snapshotted disk's), with its free bytes. */
  readonly pool: string | null;
  readonly poolFreeBytes: number | null;
}

export interface SnapshotDecision extends Omit<SnapshotPlan, 'vmId'> {
  /** The disks that take part (targets), and the ones left out (CD-ROMs, floppies). */
  readonly disks: readonly string[];
  readonly excluded: readonly string[];
}

const GIB = 1024 ** 3;
const size = (b: number) => (b >= GIB ? `${(b / GIB).toFixed(1)} GiB` : `${Math.round(b / 1024 ** 2)} MiB`);

const isFile = (d: { source: string | null }) =>
  d.source !== null && d.source.startsWith('/') && !d.source.startsWith('/dev/');

/** Whether the VM's memory is there to save: it runs (or is paused). */
export function hasLiveMemory(vmState: string): boolean {
  return vmState === 'running' || vmState === 'paused';
}

/** The first disk that cannot take part in a snapshot of this mode, with why; null when all can. */
function diskProblem(disks: SnapshotFacts['disks'], mode: SnapshotMode): string | null {
  for (const d of disks) {
    const where = d.source ? ` (${d.source})` : '';
    if (mode === 'external' && !isFile(d)) return `disk ${d.target}${where} is not a file`;
    if (mode === 'internal' && d.format !== 'qcow2') {
      return `disk ${d.target}${where} is ${d.format ?? 'of an unknown format'}, not qcow2`;
    }
  }
  return null;
}

function chooseMode(f: SnapshotFacts, disks: SnapshotFacts['disks']): SnapshotMode {
  if (f.existingModes.includes('external')) return 'external';
  if (f.existingModes.includes('internal')) return 'internal';
  return f.externalSupported && diskProblem(disks, 'external') === null ? 'external' : 'internal';
}

/** Why this mode cannot be used, with what works instead; null when it can. */
function modeRefusal(f: SnapshotFacts, mode: SnapshotMode, disks: SnapshotFacts['disks']): string | null {
  const runs = `this host runs libvirt ${f.libvirtVersion || 'of an unknown version'}`;
  const kept = f.existingModes.length > 0 ? ` (its snapshots are ${mode}; one VM never mixes modes)` : '';
  if (mode === 'external' && !f.externalSupported) {
    return `This VM has external snapshots, which libvirt reverts and deletes only from version 9.9 on; ${runs}`;
  }
  const problem = diskProblem(disks, mode);
  if (mode === 'external' && problem) return `No external snapshot: ${problem}${kept}`;
  if (mode === 'internal' && f.pflash) {
    return f.externalSupported && problem === null
      ? `libvirt refuses internal snapshots of a UEFI VM (pflash firmware)${kept}`
      : 'Snapshots of this UEFI VM are not possible on this host: libvirt refuses internal snapshots of ' +
          `VMs with pflash firmware, and external ones need libvirt ≥ 9.9 and every disk a file; ${runs}`;
  }
  if (mode === 'internal' && problem) {
    return `No internal snapshot: ${problem}; internal snapshots need every disk in qcow2${kept}`;
  }
  return null;
}

export function decideSnapshot(f: SnapshotFacts): SnapshotDecision {
  const disks = f.disks.filter((d) => d.device === 'disk');
  const excluded = f.disks.filter((d) => d.device !== 'disk').map((d) => d.target);
  const live = hasLiveMemory(f.vmState);
  const memory = f.memoryRequested && live;
  const notes: string[] = [];
  if (f.memoryRequested && !live) notes.push('The VM is not running: the snapshot holds its disks only');
  const base = {
    memory,
    vmState: f.vmState,
    memoryBytes: memory ? f.memoryBytes : 0,
    pool: f.pool,
    poolFreeBytes: f.poolFreeBytes,
    disks: disks.map((d) => d.target),
    excluded,
  };
  if (disks.length === 0) {
    return { ...base, mode: null, refusal: 'The VM has no disk to snapshot', notes };
  }
  const mode = chooseMode(f, disks);
  const refusal = modeRefusal(f, mode, disks) ?? stateRefusal(f, mode, memory) ?? memoryRefusal(f, memory);
  if (memory) notes.push(`The VM pauses while its ${size(f.memoryBytes)} of memory is saved`);
  if (memory) notes.push('Reverting to it ends with the VM running');
  return { ...base, mode: refusal ? null : mode, refusal, notes };
}

function stateRefusal(f: SnapshotFacts, mode: SnapshotMode, memory: boolean): string | null {
  if (mode === 'internal' && hasLiveMemory(f.vmState) && !memory) {
    return (
      'libvirt takes internal snapshots of a running VM only with its memory: include the memory, or ' +
      'shut the VM down and take a disk-only snapshot'
    );
  }
  return null;
}

/** A memory state that does not fit the pool it goes to is refused before anything is tried. */
export function memoryRefusal(
  f: Pick<SnapshotFacts, 'memoryBytes' | 'pool' | 'poolFreeBytes'>,
  memory: boolean,
): string | null {
  if (!memory || f.poolFreeBytes === null) return null;
  if (f.memoryBytes <= f.poolFreeBytes) return null;
  return (
    `The memory state needs ${size(f.memoryBytes)} but pool ${f.pool ?? '?'} has ${size(f.poolFreeBytes)} ` +
    'free: free space there, or take a disk-only snapshot'
  );
}

/** External overlays: beside each disk, named after it and the snapshot ("web-disk0.qcow2.snap1"). */
export function externalDiskPlans(
  disks: readonly Pick<DomainDisk, 'target' | 'source'>[],
  snapshot: string,
): SnapshotDiskPlan[] {
  return disks.map((d) => ({ target: d.target, overlay: `${d.source ?? ''}.${snapshot}` }));
}

/** Where an external snapshot's memory goes: beside the first disk. */
export function externalMemoryFile(firstDisk: string, vmName: string, snapshot: string): string {
  return `${firstDisk.slice(0, firstDisk.lastIndexOf('/') + 1)}${vmName}.${snapshot}.mem`;
}
