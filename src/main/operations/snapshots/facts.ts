/**
 * What decides a snapshot's mode, read from the VM's host now: capabilities, the domain, its state, the
 * names and modes of its snapshots, and the pool its memory would go to. One round trip (over two of the
 * host's virsh sessions) for all but the pool (one more to find it, one to refresh and read its free space
 * when that matters), whatever the number of snapshots; a read again moments later (under the VM's lock)
 * is one round trip in all.
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
 * Whether a host's libvirt takes external snapshots, per driver, with the daemon version it was read under:
 * the capabilities (10 KB, ~2 ms of libvirtd and 5-15 ms to parse) are read again only when that version
 * changes (a libvirt upgrade: the only thing that changes the answer).
 */
const externalByDriver = new WeakMap<object, { readonly version: string; readonly external: boolean }>();

/** Whether the host takes external snapshots: known for its daemon version, or read from `caps` (or now). */
async function externalSnapshots(
  ops: HostOps,
  libvirtVersion: string,
  caps: Result | undefined,
): Promise<boolean> {
  const known = externalByDriver.get(ops.driver);
  if (known && libvirtVersion !== '' && known.version === libvirtVersion) return known.external;
  const capabilities = caps ?? (await ops.batch([['capabilities']]))[0];
  const external = hostHasExternalSnapshots(ok(capabilities, 'Cannot read the capabilities'));
  if (libvirtVersion !== '') externalByDriver.set(ops.driver, { version: libvirtVersion, external });
  return external;
}

/** The free bytes `pool-info --bytes` reports (0 when it says none). */
const available = (info: string) => Number(/Available:\s+(\d+)/.exec(info)?.[1] ?? 0);

/** A pool's free bytes, refreshed first (in order in one session; a failed refresh leaves the last). */
async function freeOf(ops: HostOps, pool: string): Promise<number> {
  const [, info] = await ops.batch([
    ['pool-refresh', '--pool', pool],
    ['pool-info', '--pool', pool, '--bytes'],
  ]);
  return available(ok(info, `Cannot read pool ${pool}`));
}

/** The pool that holds a file (null when none does), with its free bytes when `free`. */
async function poolOf(
  ops: HostOps,
  path: string,
  free: boolean,
): Promise<{ pool: string; free: number | null } | null> {
  const [vp] = await ops.batch([['vol-pool', '--vol', path]]);
  if (!vp!.ok) return null;
  const pool = vp!.out.trim();
  return { pool, free: free ? await freeOf(ops, pool) : null };
}

export interface VmFacts {
  readonly facts: SnapshotFacts;
  readonly domain: ReturnType<typeof parseDomainXml>;
  /** The names of the VM's snapshots now. */
  readonly snapshotNames: readonly string[];
  /** What a read again moments later reuses when it finds the same (readFacts' `since`). */
  readonly seen: { readonly domainXml: string; readonly pflash: boolean; readonly home: string | null };
}

/** The disk whose pool the memory state goes to: the first qcow2 disk, or the first disk. */
function homeDisk(domain: VmFacts['domain']): string | null {
  const disks = domain.disks.filter((d) => d.device === 'disk');
  return (disks.find((d) => d.format === 'qcow2') ?? disks[0])?.source ?? null;
}

/**
 * Everything the mode decision needs, read from the host now. The pool's free space is read where the
 * decision weighs it (memory asked for a VM that runs) or `poolFree` asks for it (the plan shows it); with
 * `pool: 'when-weighed'` the pool is not even looked up otherwise (a disk-only snapshot looks for it after).
 *
 * `since`: the same VM's facts read moments ago over the same connection (the request's check, before the
 * operation reads again under the VM's lock). Capabilities and version are taken from it; the domain is
 * parsed again only if its XML changed; and the pool of the disk seen then is asked for in the same round
 * trip, the guess kept only where the fresh domain and vol-pool confirm it. One round trip in all.
 */
export async function readFacts(
  ops: HostOps,
  uuid: string,
  memoryRequested: boolean,
  opts: { poolFree?: boolean; since?: VmFacts; pool?: 'always' | 'when-weighed' } = {},
): Promise<VmFacts> {
  const { since } = opts;
  const guess =
    since?.seen.home && since.facts.pool
      ? { path: since.seen.home, pool: since.facts.pool, free: since.facts.poolFreeBytes !== null }
      : null;
  const known = since ? undefined : externalByDriver.get(ops.driver);
  // Two of the host's virsh sessions at once: a session runs its commands one after the other (~1 ms of
  // libvirtd each), so the read takes about half as long as in one.
  const [[xml, state, names], [external, ...rest]] = await Promise.all([
    ops.batch([
      ['dumpxml', '--domain', uuid],
      ['domstate', '--domain', uuid],
      ['snapshot-list', '--domain', uuid, '--name'],
    ]),
    ops.batch([
      // libvirt's own test of a snapshot's mode: external memory or any external disk (parseSnapshotXml's).
      ['snapshot-list', '--domain', uuid, '--name', '--external'],
      ...(since ? [] : [['version', '--daemon'], ...(known ? [] : [['capabilities']])]),
      ...(guess ? [['vol-pool', '--vol', guess.path]] : []),
      // In order in that session: the free space read after the refresh.
      ...(guess?.free
        ? [
            ['pool-refresh', '--pool', guess.pool],
            ['pool-info', '--pool', guess.pool, '--bytes'],
          ]
        : []),
    ]),
  ]);
  const [version, caps] = since ? [] : rest;
  const [guessPool, , guessInfo] = since ? rest : [];
  const domainXml = ok(xml, 'Cannot read the domain');
  const same = since?.seen.domainXml === domainXml;
  const domain = same ? since.domain : parseDomainXml(domainXml);
  const pflash = same ? since.seen.pflash : domainUsesPflash(domainXml);
  const vmState = ok(state, 'Cannot read the VM state').trim();
  const snapshotNames = lines(ok(names, 'Cannot list the snapshots'));
  const externalNames = new Set(lines(ok(external, 'Cannot list the snapshots')));
  const home = homeDisk(domain);
  const free = opts.poolFree === true || (memoryRequested && hasLiveMemory(vmState));
  const guessed =
    guess !== null && home === guess.path && guessPool?.ok === true && guessPool.out.trim() === guess.pool;
  const fromGuess = async () => {
    if (!free) return null;
    return guessInfo ? available(ok(guessInfo, `Cannot read pool ${guess!.pool}`)) : freeOf(ops, guess!.pool);
  };
  const pool = guessed
    ? { pool: guess.pool, free: await fromGuess() }
    : home && (free || opts.pool !== 'when-weighed')
      ? await poolOf(ops, home, free)
      : null;
  const libvirtVersion = since
    ? since.facts.libvirtVersion
    : (/Running against daemon:\s*(\S+)/.exec(version?.ok ? version.out : '')?.[1] ?? '');
  const externalSupported = since
    ? since.facts.externalSupported
    : await externalSnapshots(ops, libvirtVersion, caps);
  const facts: SnapshotFacts = {
    disks: domain.disks,
    existingModes: [
      ...new Set(snapshotNames.map((n): SnapshotMode => (externalNames.has(n) ? 'external' : 'internal'))),
    ],
    externalSupported,
    pflash,
    libvirtVersion,
    vmState,
    memoryRequested,
    memoryBytes: domain.memoryBytes,
    pool: pool?.pool ?? null,
    poolFreeBytes: pool?.free ?? null,
  };
  return { facts, domain, snapshotNames, seen: { domainXml, pflash, home } };
}
