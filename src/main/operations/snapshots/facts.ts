/**
 * What decides a snapshot's mode, read from the VM's host now: capabilities, the domain, its state, the
 * names and modes of its snapshots, and the pool its memory would go to. One round trip in the host's virsh
 * session for all but the pool (one more to find it, one to refresh and read its free space when that
 * matters), whatever the number of snapshots.
 */
import { AppError } from '../../../shared/domain/errors';
import type { SnapshotMode } from '../../../shared/domain/snapshot';
import { parseDomainXml } from '../../virt/parse';
import { hasLiveMemory, type SnapshotFacts } from '../../virt/snapshot-mode';
import { domainUsesPflash, hostHasExternalSnapshots } from '../../virt/snapshot-xml';
import type { HostOps } from '../host-ops';

type Result = { ok: true; out: string } | { ok: false; error: string };

const ok = (r: Result | undefined, what: string): string => {
  if (r?.ok) return r.out;
  throw new AppError('HOST_ERROR', `${what}: ${r?.error ?? 'no answer'}`);
};

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/**
 * hostHasExternalSnapshots for capabilities already seen: parsing the document costs ~5–15 ms, and a host
 * sends the same one until libvirt changes (a few hosts' worth are kept).
 */
const externalByCapabilities = new Map<string, boolean>();
function externalSupported(capabilitiesXml: string): boolean {
  let known = externalByCapabilities.get(capabilitiesXml);
  if (known === undefined) {
    known = hostHasExternalSnapshots(capabilitiesXml);
    if (externalByCapabilities.size >= 16) externalByCapabilities.clear();
    externalByCapabilities.set(capabilitiesXml, known);
  }
  return known;
}

/** The pool that holds a file (null when none does), with its free bytes when `free` (refreshed first). */
async function poolOf(
  ops: HostOps,
  path: string,
  free: boolean,
): Promise<{ pool: string; free: number | null } | null> {
  const [vp] = await ops.batch([['vol-pool', '--vol', path]]);
  if (!vp!.ok) return null;
  const pool = vp!.out.trim();
  if (!free) return { pool, free: null };
  // In order in one session: the free space read after the refresh (whose failure leaves the last one).
  const [, info] = await ops.batch([
    ['pool-refresh', '--pool', pool],
    ['pool-info', '--pool', pool, '--bytes'],
  ]);
  const m = /Available:\s+(\d+)/.exec(ok(info, `Cannot read pool ${pool}`));
  return { pool, free: m ? Number(m[1]) : 0 };
}

export interface VmFacts {
  readonly facts: SnapshotFacts;
  readonly domain: ReturnType<typeof parseDomainXml>;
  /** The names of the VM's snapshots now. */
  readonly snapshotNames: readonly string[];
}

/**
 * Everything the mode decision needs, read from the host now. The pool's free space is read where the
 * decision weighs it (memory asked for a VM that runs) or `poolFree` asks for it (the plan shows it).
 */
export async function readFacts(
  ops: HostOps,
  uuid: string,
  memoryRequested: boolean,
  opts: { poolFree?: boolean } = {},
): Promise<VmFacts> {
  const [caps, version, xml, state, names, external] = await ops.batch([
    ['capabilities'],
    ['version', '--daemon'],
    ['dumpxml', '--domain', uuid],
    ['domstate', '--domain', uuid],
    ['snapshot-list', '--domain', uuid, '--name'],
    // libvirt's own test of a snapshot's mode: external memory or any external disk (parseSnapshotXml's).
    ['snapshot-list', '--domain', uuid, '--name', '--external'],
  ]);
  const domainXml = ok(xml, 'Cannot read the domain');
  const domain = parseDomainXml(domainXml);
  const vmState = ok(state, 'Cannot read the VM state').trim();
  const snapshotNames = lines(ok(names, 'Cannot list the snapshots'));
  const externalNames = new Set(lines(ok(external, 'Cannot list the snapshots')));
  const disks = domain.disks.filter((d) => d.device === 'disk');
  const home = disks.find((d) => d.format === 'qcow2') ?? disks[0];
  const free = opts.poolFree === true || (memoryRequested && hasLiveMemory(vmState));
  const pool = home?.source ? await poolOf(ops, home.source, free) : null;
  const facts: SnapshotFacts = {
    disks: domain.disks,
    existingModes: [
      ...new Set(snapshotNames.map((n): SnapshotMode => (externalNames.has(n) ? 'external' : 'internal'))),
    ],
    externalSupported: externalSupported(ok(caps, 'Cannot read the capabilities')),
    pflash: domainUsesPflash(domainXml),
    libvirtVersion: /Running against daemon:\s*(\S+)/.exec(version?.ok ? version.out : '')?.[1] ?? '',
    vmState,
    memoryRequested,
    memoryBytes: domain.memoryBytes,
    pool: pool?.pool ?? null,
    poolFreeBytes: pool?.free ?? null,
  };
  return { facts, domain, snapshotNames };
}
