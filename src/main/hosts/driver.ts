/**
 * One interface for both kinds of host connection. Drivers move bytes: they run virsh and host tools and
 * return libvirt's XML as text; services parse it (src/main/virt) and store it (src/main/inventory).
 */
import type { Duplex } from 'node:stream';
import { AppError } from '../../shared/domain/errors';
import type { HostKind } from '../../shared/domain/host';
import type { HostTerminal, SocketTarget, TerminalSize } from '../consoles/types';
import type { ExecResult } from './ssh-connection';
import type { BatchResult } from './virsh';

/** Runs virsh commands and returns each one's result (a failing command does not stop the others). */
export type VirshBatch = (
  commands: readonly (readonly string[])[],
  opts?: { timeoutMs?: number; parallel?: number },
) => Promise<BatchResult[]>;

export type PowerAction = 'start' | 'shutdown' | 'destroy' | 'reboot' | 'suspend' | 'resume';

/** A lifecycle event as `virsh event --all --loop` reports it. */
export interface DomainEvent {
  readonly domain: string;
  readonly event: string;
  readonly detail: string;
}

/** Everything a full sync reads, as raw text: three round trips whatever the number of domains. */
export interface RawHostData {
  readonly capabilitiesXml: string;
  readonly nodeinfo: string;
  readonly hostname: string;
  readonly libvirtVersion: string;
  /** domcapabilities for kvm when the accelerator works, otherwise for qemu. */
  readonly domcapsXml: string;
  readonly kvmUsable: boolean;
  readonly pools: readonly {
    name: string;
    active: boolean;
    xml: string;
    volumes: readonly { name: string; xml: string }[];
  }[];
  readonly networks: readonly { name: string; active: boolean; xml: string }[];
  readonly domains: readonly { uuid: string; state: string; xml: string }[];
  /** Things that could not be read (a pool that vanished mid-sync…): reported, not fatal. */
  readonly warnings: readonly string[];
}

/** How a full sync reads a host. */
export interface CollectOptions {
  /**
   * Other hosts are being read at the same time (the CPU and the network are shared already): one virsh
   * on the host, its round trips one after the other, instead of a few side by side. On a cold connection
   * each virsh is a new libvirt connection on the host.
   */
  readonly crowded?: boolean;
  /**
   * Called with each domain as its XML arrives (in chunks, while the rest is still being read), so that a
   * sync can parse while it reads.
   */
  readonly onDomain?: (d: RawHostData['domains'][number]) => void;
}

export interface HostDriver {
  readonly kind: HostKind;
  /** The libvirt URI virsh uses (on the host, for SSH hosts). */
  readonly uri: string;
  connect(): Promise<void>;
  close(): void;
  virsh(args: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }): Promise<string>;
  virshBatch(
    commands: readonly (readonly string[])[],
    opts?: { timeoutMs?: number; stdin?: string | Buffer },
  ): Promise<BatchResult[]>;
  /** Runs a tool where the host's files are (qemu-img, genisoimage). */
  exec(argv: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }): Promise<ExecResult>;
  collect(opts?: CollectOptions): Promise<RawHostData>;
  power(uuid: string, action: PowerAction): Promise<void>;
  /** Streams lifecycle events until the returned stop function is called or the connection drops. */
  watchEvents(onEvent: (e: DomainEvent) => void, onEnd: (reason: string) => void): Promise<() => void>;

  // ---- Console streams (src/main/consoles) ----
  /**
   * A byte stream to a socket as the host sees it (a VM's display): over SSH a forwarded channel on the
   * host's connection; for a libvirt URI whose hypervisor runs here, a plain connection. UNSUPPORTED for a
   * remote libvirt URI.
   */
  openSocket(target: SocketTarget): Promise<Duplex>;
  /** `virsh -c URI args…` in a pseudo-terminal (virsh console), on the host over SSH or here. */
  openVirshTerminal(args: readonly string[], size: TerminalSize): Promise<HostTerminal>;
  /**
   * `virsh -q -c URI args…` with stdout as bytes (a screenshot to /dev/stdout). Quiet, so that no
   * informational line mixes into the bytes; fails with virsh's error text.
   */
  virshBytes(args: readonly string[], opts?: { timeoutMs?: number }): Promise<Buffer>;
  /** Console sockets and terminals open through this driver right now. */
  readonly openStreams: number;
  /** Whether a stream from openSocket or openVirshTerminal ended because the host connection dropped. */
  lostWithConnection(stream: Duplex): boolean;
}

const STATE_FILTERS = [
  ['running', '--state-running'],
  ['paused', '--state-paused'],
  ['shutoff', '--state-shutoff'],
  ['other', '--state-other'],
] as const;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** How many virsh processes read domain XML at once during a sync. */
const DOMAIN_READERS = 4;

/**
 * Reads a host through virsh in two chains that run at the same time over one connection:
 *   host facts, pools, volumes and networks (three round trips), and
 *   the domain list, then every domain's XML (two round trips, the XML spread over a few virsh processes).
 * The number of round trips does not grow with the number of domains. `domainsOverride` replaces the
 * second chain with a faster path (the native binding).
 */
export async function collectWithVirsh(
  batch: VirshBatch,
  cache: HypervisorFactsCache,
  domainsOverride?: () => Promise<RawHostData['domains']>,
  opts: CollectOptions = {},
): Promise<RawHostData> {
  const domains = () =>
    domainsOverride
      ? domainsOverride()
      : collectDomains(batch, opts.crowded ? 1 : DOMAIN_READERS, opts.onDomain);
  if (opts.crowded) {
    const host = await collectHost(batch, cache);
    return { ...host, domains: await domains() };
  }
  const [host, list] = await Promise.all([collectHost(batch, cache), domains()]);
  return { ...host, domains: list };
}

/**
 * What does not change while a connection lasts (the hypervisor's capabilities, libvirt's version): read on
 * the first sync of a connection only. A driver clears it when its connection is re-opened.
 */
export interface HypervisorFactsCache {
  value?: { capabilitiesXml: string; libvirtVersion: string; domcapsXml: string; kvmUsable: boolean };
}

async function collectDomains(
  batch: VirshBatch,
  readers: number,
  onDomain?: CollectOptions['onDomain'],
): Promise<RawHostData['domains']> {
  const lists = await batch([
    ['list', '--all', '--uuid'],
    ...STATE_FILTERS.map(([, flag]) => ['list', '--uuid', flag]),
  ]);
  const out = (i: number) => {
    const r = lists[i]!;
    if (!r.ok) throw new AppError('HOST_ERROR', `Cannot list domains: ${r.error}`);
    return r.out;
  };
  const uuids = lines(out(0));
  const stateOf = new Map<string, string>();
  STATE_FILTERS.forEach(([state], k) => {
    for (const u of lines(out(1 + k))) stateOf.set(u, state);
  });
  // Measured here: four readers take about half the time of one; `dumpxml --xpath` to send less costs
  // virsh more than it saves.
  const xml = onDomain
    ? await readInChunks(batch, uuids, readers, (i, r) => {
        if (r.ok) onDomain({ uuid: uuids[i]!, state: stateOf.get(uuids[i]!) ?? 'unknown', xml: r.out });
      })
    : await batch(
        uuids.map((u) => ['dumpxml', '--domain', u]),
        { parallel: readers },
      );
  // A domain undefined between the list and its dumpxml is simply gone.
  return uuids.flatMap((uuid, i) => {
    const r = xml[i]!;
    return r.ok ? [{ uuid, state: stateOf.get(uuid) ?? 'unknown', xml: r.out }] : [];
  });
}

/**
 * Every domain's XML, in about four chunks per reader, `readers` chunks at a time (each a batch over one
 * virsh); each chunk's results are handed on as soon as it is back, while the next ones are read. A chunk
 * costs one more round trip; the caller's work on the ones before it is hidden behind the reading.
 */
async function readInChunks(
  batch: VirshBatch,
  uuids: readonly string[],
  readers: number,
  each: (index: number, r: BatchResult) => void,
): Promise<BatchResult[]> {
  const size = Math.max(25, Math.ceil(uuids.length / (readers * 4)));
  const results: BatchResult[] = new Array<BatchResult>(uuids.length);
  let next = 0;
  const reader = async () => {
    while (next < uuids.length) {
      const from = next;
      next += size;
      const part = uuids.slice(from, from + size);
      const got = await batch(part.map((u) => ['dumpxml', '--domain', u]));
      got.forEach((r, j) => {
        results[from + j] = r;
        each(from + j, r);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(readers, Math.ceil(uuids.length / size)) }, reader));
  return results;
}

async function collectHost(
  batch: VirshBatch,
  cache: HypervisorFactsCache,
): Promise<Omit<RawHostData, 'domains'>> {
  const warnings: string[] = [];
  const cached = cache.value;
  const nothing = ['echo'];
  const first = await batch([
    cached ? nothing : ['capabilities'],
    ['nodeinfo'],
    ['hostname'],
    cached ? nothing : ['version', '--daemon'],
    cached ? nothing : ['domcapabilities', '--virttype', 'kvm'],
    cached ? nothing : ['domcapabilities', '--virttype', 'qemu'],
    ['pool-list', '--all', '--name'],
    ['pool-list', '--name'],
    ['net-list', '--all', '--name'],
    ['net-list', '--name'],
  ]);
  const out = (i: number, what: string): string => {
    const r = first[i]!;
    if (r.ok) return r.out;
    throw new AppError('HOST_ERROR', `${what}: ${r.error}`);
  };
  const kvm = first[4]!;
  const qemu = first[5]!;
  const version = first[3]!;
  const kvmUsable = cached ? cached.kvmUsable : kvm.ok && kvm.out.includes('<domain>kvm</domain>');
  cache.value = cached ?? {
    capabilitiesXml: out(0, 'capabilities'),
    libvirtVersion: version.ok ? version.out.trim() : '',
    // Some drivers (the test driver) have no domcapabilities: then nothing is known to be available.
    domcapsXml: kvmUsable && kvm.ok ? kvm.out : qemu.ok ? qemu.out : '',
    kvmUsable,
  };
  const poolNames = lines(out(6, 'pool-list'));
  const activePools = new Set(lines(out(7, 'pool-list')));
  const netNames = lines(out(8, 'net-list'));
  const activeNets = new Set(lines(out(9, 'net-list')));

  // Second round trip: pool and network XML, volume lists (after a refresh, so files made outside libvirt show).
  const active = poolNames.filter((p) => activePools.has(p));
  const second = await batch([
    ...poolNames.map((p) => ['pool-dumpxml', '--pool', p]),
    ...active.flatMap((p) => [
      ['pool-refresh', '--pool', p],
      ['vol-list', '--pool', p],
    ]),
    ...netNames.map((n) => ['net-dumpxml', '--network', n]),
  ]);
  let k = 0;
  const poolXml = poolNames.map(() => second[k++]!);
  const volNames = new Map<string, { name: string; path: string }[]>();
  for (const p of active) {
    k++; // pool-refresh
    const r = second[k++]!;
    if (r.ok) volNames.set(p, parseVolList(r.out));
    else warnings.push(`volumes of pool ${p}: ${r.error}`);
  }
  const netXml = netNames.map(() => second[k++]!);

  // Third round trip: every volume's XML.
  const volCmds: { pool: string; name: string; path: string }[] = [];
  for (const [pool, vols] of volNames) for (const v of vols) volCmds.push({ pool, ...v });
  const third = volCmds.length
    ? await batch(
        volCmds.map((v) => ['vol-dumpxml', '--pool', v.pool, '--vol', v.path || v.name]),
        { parallel: 2 },
      )
    : [];

  const pools = poolNames.flatMap((name, i) => {
    const r = poolXml[i]!;
    if (!r.ok) {
      warnings.push(`pool ${name}: ${r.error}`);
      return [];
    }
    const volumes = volCmds.flatMap((v, j) => {
      if (v.pool !== name) return [];
      const vr = third[j]!;
      if (!vr.ok) {
        warnings.push(`volume ${name}/${v.name}: ${vr.error}`);
        return [];
      }
      return [{ name: v.name, xml: vr.out }];
    });
    return [{ name, active: activePools.has(name), xml: r.out, volumes }];
  });
  const networks = netNames.flatMap((name, i) => {
    const r = netXml[i]!;
    if (!r.ok) {
      warnings.push(`network ${name}: ${r.error}`);
      return [];
    }
    return [{ name, active: activeNets.has(name), xml: r.out }];
  });
  return {
    ...cache.value,
    nodeinfo: out(1, 'nodeinfo'),
    hostname: out(2, 'hostname').trim(),
    pools,
    networks,
    warnings,
  };
}

/** Parses one line of `virsh event --all --loop`. */
export function parseEventLine(line: string): DomainEvent | null {
  // "event 'lifecycle' for domain 'web': Started Booted", or without detail: "event 'reboot' for domain 'web'".
  const m = /event '([^']+)' for domain '(.*?)'(?:: (.*))?$/.exec(line.trim());
  if (!m) return null;
  return { event: m[1]!, domain: m[2]!, detail: (m[3] ?? '').trim() };
}

/** Feeds chunks of `virsh event` output; calls onEvent for each complete event line. */
export function eventLineReader(onEvent: (e: DomainEvent) => void): (chunk: Buffer) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const e = parseEventLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (e) onEvent(e);
    }
  };
}

/**
 * Reads `virsh vol-list` (virsh 9 has no --name for volumes). Columns are cut where the header's "Path"
 * starts, so names and paths with spaces survive.
 */
export function parseVolList(text: string): { name: string; path: string }[] {
  const rows = text.split('\n');
  const header = rows.findIndex((l) => /^\s*Name\s+Path\s*$/.test(l));
  if (header === -1) return [];
  const col = rows[header]!.indexOf('Path');
  return rows
    .slice(header + 2)
    .filter((l) => l.trim() !== '')
    .map((l) => ({ name: l.slice(0, col).trim(), path: l.slice(col).trim() }));
}
