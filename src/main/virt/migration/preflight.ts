/**
 * The migration preflight over facts read from both hosts: what must hold before anything moves, and the
 * copies migration will make first. Pure: the operation reads the facts (virsh and qemu-img on each host)
 * and shows this result as is.
 */
import type { MigrationCopy, PreflightCheck, PreflightStatus } from '../../../shared/domain/migration';
import type { MigrationNeeds } from './needs';

export interface HostMigrationFacts {
  readonly name: string;
  readonly libvirtVersion: number | null;
  readonly qemuVersion: number | null;
  /** Machine types its QEMU offers for the VM's architecture (with aliases like "q35"). */
  readonly machines: readonly string[];
}

/** A file as `qemu-img info` (and sha256sum for bases and ISOs) saw it. */
export interface FileFacts {
  readonly sizeBytes: number;
  /** Bytes it takes on disk (what a copy of it moves). */
  readonly allocationBytes: number;
  readonly backing: string | null;
  readonly sha256?: string;
}

export interface DestinationPool {
  readonly name: string;
  readonly path: string;
  readonly availableBytes: number;
}

export interface PreflightInput {
  readonly vm: MigrationNeeds;
  readonly running: boolean;
  readonly snapshots: number;
  readonly source: HostMigrationFacts;
  readonly dest: HostMigrationFacts;
  /** Every file of the VM's chains on the source, by path. */
  readonly sourceFiles: ReadonlyMap<string, FileFacts>;
  /** The same paths on the destination (absent from the map or null: no such file). */
  readonly destFiles: ReadonlyMap<string, FileFacts | null>;
  readonly destPools: readonly DestinationPool[];
  /** The destination already defines a domain with this name or UUID. */
  readonly destTaken: { readonly name: boolean; readonly uuid: boolean };
  /** The source host's CPU against the destination's (`virsh hypervisor-cpu-compare`); null: unknown. */
  readonly cpuCompare: 'identical' | 'superset' | 'incompatible' | null;
  /** The source reaches the destination's migration ports; null: not checked. */
  readonly reachable: boolean | null;
  readonly transport: 'auto' | 'direct' | 'console';
}

export interface PreflightResult {
  readonly ok: boolean;
  readonly transport: 'direct' | 'console';
  readonly checks: PreflightCheck[];
  readonly copies: MigrationCopy[];
}

const GiB = 1024 ** 3;
const size = (n: number) =>
  n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.max(1, Math.round(n / 1024 ** 2))} MiB`;
const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
const version = (v: number | null) =>
  v === null ? 'unknown' : `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1e3}.${v % 1e3}`;

class Checks {
  readonly list: PreflightCheck[] = [];
  add(id: string, label: string, status: PreflightStatus, detail: string): void {
    this.list.push({ id, label, status, detail });
  }
}

function hostChecks(c: Checks, i: PreflightInput): void {
  const { vm, source, dest } = i;
  if (vm.blockers.length > 0) c.add('devices', 'Devices', 'fail', vm.blockers.join('; '));
  else c.add('devices', 'Devices', 'ok', 'Every disk is a file; no host devices');
  if (i.snapshots > 0) {
    const n = i.snapshots === 1 ? 'one snapshot' : `${i.snapshots} snapshots`;
    c.add(
      'snapshots',
      'Snapshots',
      'fail',
      `It has ${n}: libvirt does not migrate snapshots; delete them first`,
    );
  }
  if (i.destTaken.name || i.destTaken.uuid) {
    const what = i.destTaken.name ? `named ${vm.name}` : `with its UUID ${vm.uuid}`;
    c.add('name', 'Name', 'fail', `${dest.name} already defines a VM ${what}`);
  } else c.add('name', 'Name', 'ok', `${dest.name} has no VM named ${vm.name}`);
  const older =
    source.qemuVersion !== null && dest.qemuVersion !== null && dest.qemuVersion < source.qemuVersion;
  c.add(
    'versions',
    'Versions',
    older ? 'warn' : dest.libvirtVersion === null ? 'warn' : 'ok',
    `libvirt ${version(source.libvirtVersion)} → ${version(dest.libvirtVersion)}, QEMU ${version(source.qemuVersion)} → ${version(dest.qemuVersion)}` +
      (older ? ': the destination runs an older QEMU' : ''),
  );
  if (vm.machine !== null) {
    const has = dest.machines.includes(vm.machine);
    c.add(
      'machine',
      'Machine type',
      has ? 'ok' : 'fail',
      has ? `${dest.name} offers ${vm.machine}` : `${dest.name} does not offer machine type ${vm.machine}`,
    );
  }
  cpuCheck(c, i);
}

function cpuCheck(c: Checks, i: PreflightInput): void {
  const passthrough = i.vm.cpu.startsWith('host-passthrough');
  const known = i.cpuCompare !== null;
  const fits = i.cpuCompare === 'identical' || i.cpuCompare === 'superset';
  if (!i.running) {
    c.add('cpu', 'CPU', 'ok', 'A shut-off VM takes the destination CPU at its next start');
  } else if (fits) {
    c.add(
      'cpu',
      'CPU',
      'ok',
      `${i.dest.name}'s CPU is ${i.cpuCompare === 'identical' ? 'identical to' : 'a superset of'} the source's`,
    );
  } else if (!known) {
    c.add(
      'cpu',
      'CPU',
      'warn',
      'The CPUs of the two hosts could not be compared; libvirt checks them when migration starts',
    );
  } else if (passthrough) {
    c.add(
      'cpu',
      'CPU',
      'fail',
      `The VM passes the host CPU through and ${i.dest.name}'s CPU lacks features of the source's: switch its CPU to host-model (it takes a restart) or choose another host`,
    );
  } else {
    c.add(
      'cpu',
      'CPU',
      'warn',
      `${i.dest.name}'s CPU lacks features of the source's; libvirt checks the VM's own CPU model when migration starts`,
    );
  }
}

/** The chain under a disk: its file, then each backing file, as the source sees them. */
function chainOf(i: PreflightInput, path: string): string[] {
  const chain: string[] = [];
  for (
    let p: string | null = path;
    p !== null && !chain.includes(p);
    p = i.sourceFiles.get(p)?.backing ?? null
  )
    chain.push(p);
  return chain;
}

function sameFile(a: FileFacts | undefined, b: FileFacts | null | undefined): boolean | null {
  if (!a || !b) return null;
  if (a.sha256 === undefined || b.sha256 === undefined) return null;
  return a.sha256 === b.sha256;
}

function storageChecks(c: Checks, i: PreflightInput, copies: MigrationCopy[]): void {
  const need = new Map<string, number>(); // pool -> bytes
  const seen = new Set<string>();
  const into = (path: string, bytes: number, what: MigrationCopy['what']): boolean => {
    const pool = i.destPools.find((p) => p.path === dirOf(path));
    if (!pool) {
      c.add(
        `pool:${path}`,
        'Storage pool',
        'fail',
        `${i.dest.name} has no storage pool at ${dirOf(path)}, where ${path} must go`,
      );
      return false;
    }
    need.set(pool.name, (need.get(pool.name) ?? 0) + bytes);
    copies.push({ path, bytes, what });
    return true;
  };
  for (const d of i.vm.disks) {
    const chain = d.readonly || d.device === 'cdrom' ? [d.path] : chainOf(i, d.path);
    chain.forEach((path, depth) => {
      if (seen.has(path)) return;
      seen.add(path);
      const src = i.sourceFiles.get(path);
      const writable = depth === 0 && !d.readonly && d.device !== 'cdrom';
      if (!src) {
        c.add(`file:${path}`, 'Disk file', 'fail', `${path} could not be read on the source`);
        return;
      }
      if (writable) {
        // The top layer always travels: with libvirt's storage copy (live) or the console's (cold).
        into(path, src.allocationBytes, chain.length > 1 ? 'overlay' : 'disk');
        return;
      }
      const what: MigrationCopy['what'] = d.device === 'cdrom' ? 'iso' : 'base';
      const label = what === 'iso' ? 'ISO' : 'Base image';
      const same = sameFile(src, i.destFiles.get(path));
      if (same === true)
        c.add(`file:${path}`, label, 'ok', `${path} is on ${i.dest.name} with the same SHA-256`);
      else if (i.destFiles.get(path)) {
        c.add(
          `file:${path}`,
          label,
          'fail',
          same === false
            ? `${i.dest.name} has a different file at ${path}`
            : `${path} on ${i.dest.name} could not be compared`,
        );
      } else if (into(path, src.allocationBytes, what)) {
        c.add(
          `file:${path}`,
          label,
          'todo',
          `${path} is copied to ${i.dest.name} first (${size(src.allocationBytes)}, checksum-verified)`,
        );
      }
    });
  }
  if (i.vm.nvram !== null) {
    // A small file outside any pool (libvirt's nvram directory): copied as a file, not a volume.
    const src = i.sourceFiles.get(i.vm.nvram);
    if (src) {
      copies.push({ path: i.vm.nvram, bytes: src.allocationBytes, what: 'nvram' });
      c.add('nvram', 'UEFI variables', 'todo', `${i.vm.nvram} is copied to ${i.dest.name}`);
    } else c.add('nvram', 'UEFI variables', 'fail', `${i.vm.nvram} could not be read on the source`);
  }
  // What others stand on goes first: an overlay is made (or copied) over a base already in place.
  const ORDER: readonly MigrationCopy['what'][] = ['base', 'iso', 'nvram', 'overlay', 'disk'];
  copies.sort((x, y) => ORDER.indexOf(x.what) - ORDER.indexOf(y.what));
  for (const [name, bytes] of need) {
    const pool = i.destPools.find((p) => p.name === name)!;
    const fits = bytes <= pool.availableBytes;
    c.add(
      `space:${name}`,
      `Space in ${name}`,
      fits ? 'ok' : 'fail',
      `${size(bytes)} needed, ${size(pool.availableBytes)} free on ${i.dest.name}`,
    );
  }
}

function transportOf(c: Checks, i: PreflightInput): 'direct' | 'console' {
  const { source, dest } = i;
  if (!i.running) {
    if (i.transport === 'direct') {
      c.add(
        'transport',
        'Transport',
        'fail',
        "A shut-off VM's disks travel through the console; direct copy is for live migration",
      );
    } else
      c.add(
        'transport',
        'Transport',
        'ok',
        "The disks travel through the console's own connections, checksum-verified",
      );
    return 'console';
  }
  // Live: the memory and the disks' top layers stream from QEMU to QEMU.
  if (i.transport === 'console') {
    c.add(
      'transport',
      'Transport',
      'fail',
      'A live migration streams from host to host; the console does not carry it. Shut the VM down for a cold migration through the console',
    );
  } else if (i.reachable === false) {
    c.add(
      'transport',
      'Transport',
      'fail',
      `${source.name} cannot reach ${dest.name}: live migration needs the hosts to reach each other; shut the VM down to migrate it cold through the console`,
    );
  } else if (i.reachable === null) {
    c.add(
      'transport',
      'Transport',
      'warn',
      `${source.name} → ${dest.name} directly; whether the hosts reach each other was not checked`,
    );
  } else c.add('transport', 'Transport', 'ok', `${source.name} → ${dest.name} directly`);
  return 'direct';
}

export function preflight(i: PreflightInput): PreflightResult {
  const c = new Checks();
  const copies: MigrationCopy[] = [];
  hostChecks(c, i);
  storageChecks(c, i, copies);
  const transport = transportOf(c, i);
  return { ok: !c.list.some((x) => x.status === 'fail'), transport, checks: c.list, copies };
}
