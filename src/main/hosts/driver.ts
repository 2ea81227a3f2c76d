/**
 * One interface for both kinds of host connection. Drivers move bytes: they run virsh and host tools and
 * return libvirt's XML as text; services parse it (src/main/virt) and store it (src/main/inventory).
 */
import type { HostKind } from '../../shared/domain/host';
import type { ExecResult } from './ssh-connection';
import { runVirshBatch, type BatchResult, type VirshRunner } from './virsh';

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

export interface HostDriver {
  readonly kind: HostKind;
  /** The libvirt URI virsh uses (on the host, for SSH hosts). */
  readonly uri: string;
  connect(): Promise<void>;
  close(): void;
  virsh(args: readonly string[], opts?: { timeoutMs?: number; stdin?: string }): Promise<string>;
  virshBatch(commands: readonly (readonly string[])[]): Promise<BatchResult[]>;
  /** Runs a tool where the host's files are (qemu-img, genisoimage). */
  exec(argv: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }): Promise<ExecResult>;
  collect(): Promise<RawHostData>;
  power(uuid: string, action: PowerAction): Promise<void>;
  /** Streams lifecycle events until the returned stop function is called or the connection drops. */
  watchEvents(onEvent: (e: DomainEvent) => void, onEnd: (reason: string) => void): Promise<() => void>;
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

/**
 * Reads a host through virsh alone, in three batches. `domains` may be supplied by a faster path
 * (the native binding) and then is not read through virsh.
 */
export async function collectWithVirsh(
  run: VirshRunner,
  domainsOverride?: () => Promise<RawHostData['domains']>,
): Promise<RawHostData> {
  const warnings: string[] = [];
  const first = await runVirshBatch(run, [
    ['capabilities'],
    ['nodeinfo'],
    ['hostname'],
    ['version', '--daemon'],
    ['domcapabilities', '--virttype', 'kvm'],
    ['domcapabilities', '--virttype', 'qemu'],
    ['pool-list', '--all', '--name'],
    ['pool-list', '--name'],
    ['net-list', '--all', '--name'],
    ['net-list', '--name'],
    ['list', '--all', '--uuid'],
    ...STATE_FILTERS.map(([, flag]) => ['list', '--uuid', flag]),
  ]);
  const out = (i: number, what: string): string => {
    const r = first[i]!;
    if (r.ok) return r.out;
    throw new Error(`${what}: ${r.error}`);
  };
  const kvm = first[4]!;
  const kvmUsable = kvm.ok && kvm.out.includes('<domain>kvm</domain>');
  const poolNames = lines(out(6, 'pool-list'));
  const activePools = new Set(lines(out(7, 'pool-list')));
  const netNames = lines(out(8, 'net-list'));
  const activeNets = new Set(lines(out(9, 'net-list')));
  const uuids = domainsOverride ? [] : lines(out(10, 'list'));
  const stateOf = new Map<string, string>();
  STATE_FILTERS.forEach(([state], k) => {
    for (const u of lines(out(11 + k, 'list'))) stateOf.set(u, state);
  });

  // Second round trip: pool and network XML, volume names, domain XML.
  const active = poolNames.filter((p) => activePools.has(p));
  const second = await runVirshBatch(run, [
    ...poolNames.map((p) => ['pool-dumpxml', p]),
    ...active.flatMap((p) => [
      ['pool-refresh', p],
      ['vol-list', '--pool', p],
    ]),
    ...netNames.map((n) => ['net-dumpxml', n]),
    ...uuids.map((u) => ['dumpxml', u]),
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
  const domXml = uuids.map(() => second[k++]!);

  // Third round trip: every volume's XML.
  const volCmds: { pool: string; name: string; path: string }[] = [];
  for (const [pool, vols] of volNames) for (const v of vols) volCmds.push({ pool, ...v });
  const third = volCmds.length
    ? await runVirshBatch(
        run,
        volCmds.map((v) => ['vol-dumpxml', '--pool', v.pool, v.path || v.name]),
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
  const domains = domainsOverride
    ? await domainsOverride()
    : uuids.flatMap((uuid, i) => {
        const r = domXml[i]!;
        // A domain undefined between the list and its dumpxml is simply gone.
        return r.ok ? [{ uuid, state: stateOf.get(uuid) ?? 'unknown', xml: r.out }] : [];
      });
  return {
    capabilitiesXml: out(0, 'capabilities'),
    nodeinfo: out(1, 'nodeinfo'),
    hostname: out(2, 'hostname').trim(),
    libvirtVersion: first[3]!.ok ? (first[3] as { out: string }).out.trim() : '',
    // Some drivers (the test driver) have no domcapabilities: then nothing is known to be available.
    domcapsXml: kvmUsable ? kvm.out : first[5]!.ok ? first[5]!.out : '',
    kvmUsable,
    pools,
    networks,
    domains,
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
