/**
 * What a settings change is planned from, read from the VM's host: its state, inactive and live XML, the
 * host's networks, and the volumes the change touches, in one round trip (a second one only for a disk the
 * inventory did not know the VM had). Pools come from the inventory; the volumes the change names or the VM
 * reads are read now, so their capacity and format are current (a disk never "grows" to a smaller size).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/domain/errors';
import type { VmSettingsChange } from '../../../shared/domain/vm-settings';
import { parseVolList } from '../../hosts/driver';
import type { BatchResult } from '../../hosts/virsh';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import { macFrom } from '../../virt/clone-xml';
import { parseVolumeXml } from '../../virt/parse';
import type { SettingsContext, SettingsPool, SettingsVolume } from '../../virt/settings-xml';
import { disksOf } from '../../virt/settings/facts';
import type { HostOps } from '../host-ops';
import type { VmOnHost } from '../snapshots/context';

/** Pool types whose volumes are files in the pool's directory: where QHCI creates new disks. */
const DIRECTORY_POOLS = new Set(['dir', 'fs', 'netfs']);

export interface SettingsRead {
  /** As `virsh domstate` says it ("running", "shut off", "paused"…). */
  readonly state: string;
  readonly ctx: SettingsContext;
}

export interface ReadDeps {
  readonly vms: VmsRepo;
  readonly hostInventory: HostInventoryRepo;
}

const isRunning = (state: string) => state === 'running' || state === 'paused' || state === 'pmsuspended';

/**
 * The MACs of the NICs a change adds: derived from the VM and its definition, so that the preview shows
 * the very MACs the change then gives (while the definition is the same), and random across VMs.
 */
export function newMacs(uuid: string, inactiveXml: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    macFrom(createHash('sha256').update(`${uuid}\u0000${i}\u0000${inactiveXml}`).digest().subarray(0, 3)),
  );
}

function ok(r: BatchResult | undefined, what: string): string {
  if (!r?.ok) throw new AppError('HOST_ERROR', `${what}: ${r?.ok === false ? r.error : 'no answer'}`);
  return r.out;
}

/** The volume vol-dumpxml printed, in the pool `poolOf` names; undefined when it could not be read. */
function volumeFrom(r: BatchResult | undefined, pool: string | undefined): SettingsVolume | undefined {
  if (!r?.ok || pool === undefined) return undefined;
  try {
    const v = parseVolumeXml(r.out, pool);
    return { pool, name: v.name, path: v.path, format: v.format, capacityBytes: v.capacityBytes };
  } catch {
    return undefined;
  }
}

/** A disk file's volume read by its path: `vol-pool` then `vol-dumpxml`. */
const byPath = (path: string) => [
  ['vol-pool', '--vol', path],
  ['vol-dumpxml', '--vol', path],
];

function fromPathReads(paths: readonly string[], results: readonly BatchResult[]): SettingsVolume[] {
  const out: SettingsVolume[] = [];
  paths.forEach((_, i) => {
    const pool = results[2 * i];
    const v = volumeFrom(results[2 * i + 1], pool?.ok ? pool.out.trim() || undefined : undefined);
    if (v) out.push(v);
  });
  return out;
}

/** The disk paths a change reads the volume of (grow, detach and delete): from the inactive definition. */
function pathsTouched(xml: string, changes: readonly VmSettingsChange[]): string[] {
  const targets = new Set(
    changes.filter((c) => c.kind === 'disk-grow' || c.kind === 'disk-detach').map((c) => c.target),
  );
  return disksOf(xml)
    .filter((d) => targets.has(d.target) && d.path !== null && d.path.startsWith('/'))
    .map((d) => d.path!);
}

export async function readSettings(
  deps: ReadDeps,
  ops: HostOps,
  vm: VmOnHost,
  changes: readonly VmSettingsChange[],
): Promise<SettingsRead> {
  const named = changes.flatMap((c) =>
    c.kind === 'disk-add-existing' || c.kind === 'cdrom-insert' ? [{ pool: c.pool, name: c.volume }] : [],
  );
  const newIn = [...new Set(changes.flatMap((c) => (c.kind === 'disk-add-new' ? [c.pool] : [])))];
  const known = (deps.vms.detail(vm.id)?.details.disks ?? [])
    .map((d) => d.source)
    .filter((p): p is string => typeof p === 'string' && p.startsWith('/'));
  const dom = ['--domain', vm.uuid];
  const r = await ops.batch([
    ['domstate', ...dom],
    ['dumpxml', ...dom, '--inactive'],
    ['dumpxml', ...dom],
    ['net-list', '--all', '--name'],
    ...named.map((v) => ['vol-dumpxml', '--pool', v.pool, '--vol', v.name]),
    ...newIn.map((p) => ['vol-list', '--pool', p]),
    ...known.flatMap(byPath),
  ]);
  if (!r[0]?.ok) throw new AppError('NOT_FOUND', `VM ${vm.name} is not on its host`, 'vmId');
  const state = r[0].out.trim();
  const inactiveXml = ok(r[1], `Cannot read the definition of VM ${vm.name}`);
  const liveXml = isRunning(state) ? ok(r[2], `Cannot read the running VM ${vm.name}`) : null;
  const networks = ok(r[3], 'Cannot list the networks')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let at = 4;
  const read: SettingsVolume[] = named.flatMap((v) => volumeFrom(r[at++], v.pool) ?? []);
  const listed = newIn.flatMap((pool) => {
    const l = r[at++];
    return l?.ok ? parseVolList(l.out).map((v) => ({ pool, ...v })) : [];
  });
  read.push(...fromPathReads(known, r.slice(at)));
  const missing = pathsTouched(inactiveXml, changes).filter((p) => !read.some((v) => v.path === p));
  if (missing.length) read.push(...fromPathReads(missing, await ops.batch(missing.flatMap(byPath))));

  const pools: SettingsPool[] = deps.hostInventory.pools(vm.hostId).map((p) => ({
    name: p.name,
    path: DIRECTORY_POOLS.has(p.type) && p.path ? p.path : null,
  }));
  // Read now beats the inventory; a name listed now (unknown format) still counts as taken.
  const volumes = new Map<string, SettingsVolume>();
  const put = (v: SettingsVolume) => volumes.set(`${v.pool}\u0000${v.name}`, v);
  for (const v of deps.hostInventory.volumes(vm.hostId)) put(v);
  for (const v of listed) {
    if (!volumes.has(`${v.pool}\u0000${v.name}`)) put({ ...v, format: null, capacityBytes: 0 });
  }
  for (const v of read) put(v);
  const adds = changes.filter((c) => c.kind === 'nic-add').length;
  return {
    state,
    ctx: {
      inactiveXml,
      liveXml,
      pools,
      volumes: [...volumes.values()],
      networks,
      macs: newMacs(vm.uuid, inactiveXml, adds),
    },
  };
}
