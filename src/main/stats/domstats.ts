/**
 * Live usage, read from one batch of virsh commands per poll and turned into rates. Pure: text in, plain
 * records out; no clock and no I/O (the poller brings both).
 *
 *   domstats --state --cpu-total --balloon --vcpu --interface --block --nowait   every domain's counters
 *   nodecpustats                                                              the host's CPU time counters
 *   nodememstats                                        the host's memory (absent from the test driver)
 *   nodeinfo                                          the host's CPU count and memory size (every driver)
 *
 * Counters are nanoseconds and bytes since the domain (or the host) started. Numbers are JS numbers:
 * exact to 2^53 (104 days of CPU time in ns); beyond that a counter is still within 1 part in 10^15,
 * far below what a rate over seconds can show.
 */

/** The virsh commands of one usage poll, in the order `parseUsageBatch` reads their results. */
export const USAGE_COMMANDS: readonly (readonly string[])[] = [
  [
    'domstats',
    '--state',
    '--cpu-total',
    '--balloon',
    '--vcpu',
    '--interface',
    '--block',
    // A domain busy with a job (a migration, a snapshot) reports what it can at once instead of blocking.
    '--nowait',
  ],
  ['nodecpustats'],
  ['nodememstats'],
  ['nodeinfo'],
];

/** One network interface's or one disk's byte counters. */
export interface DeviceCounters {
  readonly name: string;
  /** Received (interfaces) or read (disks), in bytes. */
  readonly inBytes?: number;
  /** Sent (interfaces) or written (disks), in bytes. */
  readonly outBytes?: number;
}

/** One domain's counters as `virsh domstats` reports them; a field libvirt did not report is absent. */
export interface DomainCounters {
  readonly name: string;
  /** libvirt's state number (1 running, 3 paused, 5 shut off…); -1 when not reported. */
  readonly state: number;
  /** CPU time used by the whole domain (vCPUs and QEMU's own threads), ns. */
  readonly cpuTimeNs?: number;
  readonly vcpus?: number;
  /** What the guest has now and may grow to (balloon.current / maximum), KiB. */
  readonly memoryKiB?: number;
  readonly maxMemoryKiB?: number;
  /** Resident size of the QEMU process on the host, KiB. */
  readonly rssKiB?: number;
  /** The guest's own view, when its balloon driver reports it, KiB. */
  readonly guestAvailableKiB?: number;
  readonly guestUnusedKiB?: number;
  readonly nics: readonly DeviceCounters[];
  readonly disks: readonly DeviceCounters[];
}

export interface NodeCounters {
  /** user + system CPU time over all host CPUs, ns. */
  readonly cpuBusyNs?: number;
  /** user + system + idle + iowait, ns. */
  readonly cpuTotalNs?: number;
  readonly cpus?: number;
  readonly memTotalKiB?: number;
  /** total - free - buffers - cached, when nodememstats answers. */
  readonly memUsedKiB?: number;
}

/** One poll of one host. `at` is a monotonic millisecond time chosen by the poller. */
export interface UsageSample {
  readonly at: number;
  readonly domains: readonly DomainCounters[];
  readonly node: NodeCounters;
  /** Commands that failed (a node stat the driver does not have…): reported, not fatal. */
  readonly warnings: readonly string[];
}

const CODE_0 = 48;

/** A base-10 non-negative integer, or undefined (fast path for the digit strings virsh prints). */
function num(s: string): number | undefined {
  if (s === '') return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - CODE_0;
    if (d < 0 || d > 9) {
      const f = Number(s);
      return Number.isFinite(f) ? f : undefined;
    }
    n = n * 10 + d;
  }
  return n;
}

interface MutableDevice {
  name: string;
  inBytes?: number;
  outBytes?: number;
}

interface MutableDomain {
  name: string;
  state: number;
  cpuTimeNs?: number;
  vcpus?: number;
  memoryKiB?: number;
  maxMemoryKiB?: number;
  rssKiB?: number;
  guestAvailableKiB?: number;
  guestUnusedKiB?: number;
  nics: MutableDevice[];
  disks: MutableDevice[];
}

/** The device at `index` of a list whose entries appear in any order (holes stay undefined until named). */
function device(list: MutableDevice[], index: number): MutableDevice {
  let d = list[index];
  if (!d) {
    d = { name: '' };
    list[index] = d;
  }
  return d;
}

/**
 * `net.3.rx.bytes` → [3, 'rx.bytes'], for keys under `prefix` ("net." or "block."); null for the counts.
 */
function indexed(key: string, prefixLength: number): [number, string] | null {
  const dot = key.indexOf('.', prefixLength);
  if (dot === -1) return null;
  const i = num(key.slice(prefixLength, dot));
  return i === undefined || !Number.isInteger(i) ? null : [i, key.slice(dot + 1)];
}

function setField(d: MutableDomain, key: string, value: string): void {
  switch (key) {
    case 'state.state':
      d.state = num(value) ?? -1;
      return;
    case 'cpu.time':
      d.cpuTimeNs = num(value);
      return;
    case 'vcpu.current':
      d.vcpus = num(value);
      return;
    case 'balloon.current':
      d.memoryKiB = num(value);
      return;
    case 'balloon.maximum':
      d.maxMemoryKiB = num(value);
      return;
    case 'balloon.rss':
      d.rssKiB = num(value);
      return;
    case 'balloon.available':
      d.guestAvailableKiB = num(value);
      return;
    case 'balloon.unused':
      d.guestUnusedKiB = num(value);
      return;
  }
  if (key.startsWith('net.')) {
    const at = indexed(key, 4);
    if (!at) return;
    const [i, field] = at;
    if (field === 'name') device(d.nics, i).name = value;
    else if (field === 'rx.bytes') device(d.nics, i).inBytes = num(value);
    else if (field === 'tx.bytes') device(d.nics, i).outBytes = num(value);
  } else if (key.startsWith('block.')) {
    const at = indexed(key, 6);
    if (!at) return;
    const [i, field] = at;
    if (field === 'name') device(d.disks, i).name = value;
    else if (field === 'rd.bytes') device(d.disks, i).inBytes = num(value);
    else if (field === 'wr.bytes') device(d.disks, i).outBytes = num(value);
  }
}

const HEADER = "Domain: '";

/** Drops unset fields and devices never named (so records compare and serialise plainly). */
function finish(d: MutableDomain): DomainCounters {
  const out: Omit<MutableDomain, 'nics' | 'disks'> = { name: d.name, state: d.state };
  for (const k of [
    'cpuTimeNs',
    'vcpus',
    'memoryKiB',
    'maxMemoryKiB',
    'rssKiB',
    'guestAvailableKiB',
    'guestUnusedKiB',
  ] as const) {
    if (d[k] !== undefined) out[k] = d[k];
  }
  const devices = (list: MutableDevice[]) =>
    list.flatMap((x) => {
      if (!x || x.name === '') return [];
      const o: MutableDevice = { name: x.name };
      if (x.inBytes !== undefined) o.inBytes = x.inBytes;
      if (x.outBytes !== undefined) o.outBytes = x.outBytes;
      return [o];
    });
  return { ...out, nics: devices(d.nics), disks: devices(d.disks) };
}

/**
 * Reads `virsh domstats` (pretty-printed or --raw): one "Domain: 'NAME'" line, then `  key=value` lines.
 * Unknown keys are skipped; a domain that reports nothing but its name keeps state -1.
 */
export function parseDomstats(text: string): DomainCounters[] {
  const out: DomainCounters[] = [];
  let cur: MutableDomain | null = null;
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith(HEADER) && line.endsWith("'")) {
      if (cur) out.push(finish(cur));
      cur = { name: line.slice(HEADER.length, -1), state: -1, nics: [], disks: [] };
      continue;
    }
    if (!cur) continue;
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    setField(cur, line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (cur) out.push(finish(cur));
  return out;
}

/** `label: value [unit]` lines (nodecpustats, nodememstats, nodeinfo) → label → first number. */
function labelled(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const value = num(
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/)[0] ?? '',
    );
    if (value !== undefined) m.set(line.slice(0, colon).trim().toLowerCase(), value);
  }
  return m;
}

/** Whatever of nodecpustats, nodememstats and nodeinfo answered (null: that command failed). */
export function parseNode(
  cpuStats: string | null,
  memStats: string | null,
  nodeinfo: string | null,
): NodeCounters {
  const out: {
    cpuBusyNs?: number;
    cpuTotalNs?: number;
    cpus?: number;
    memTotalKiB?: number;
    memUsedKiB?: number;
  } = {};
  if (cpuStats !== null) {
    const c = labelled(cpuStats);
    const user = c.get('user');
    const system = c.get('system');
    const idle = c.get('idle');
    if (user !== undefined && system !== undefined && idle !== undefined) {
      out.cpuBusyNs = user + system;
      out.cpuTotalNs = user + system + idle + (c.get('iowait') ?? 0);
    }
  }
  if (nodeinfo !== null) {
    const i = labelled(nodeinfo);
    const cpus = i.get('cpu(s)');
    const mem = i.get('memory size');
    if (cpus !== undefined) out.cpus = cpus;
    if (mem !== undefined) out.memTotalKiB = mem;
  }
  if (memStats !== null) {
    const m = labelled(memStats);
    const total = m.get('total');
    const free = m.get('free');
    if (total !== undefined && free !== undefined) {
      out.memTotalKiB = total;
      out.memUsedKiB = Math.max(0, total - free - (m.get('buffers') ?? 0) - (m.get('cached') ?? 0));
    }
  }
  return out;
}

export type CommandResult = { ok: true; out: string } | { ok: false; error: string };

/**
 * One poll's results (for USAGE_COMMANDS, in order) → a sample. Only domstats is required: without it the
 * poll tells nothing, and this throws with virsh's message.
 */
export function parseUsageBatch(results: readonly CommandResult[], at: number): UsageSample {
  const [dom, cpu, mem, info] = results;
  if (!dom?.ok) throw new Error(`virsh domstats: ${dom ? dom.error : 'no result'}`);
  const warnings: string[] = [];
  const text = (r: CommandResult | undefined, what: string): string | null => {
    if (r?.ok) return r.out;
    warnings.push(`${what}: ${r ? r.error : 'no result'}`);
    return null;
  };
  return {
    at,
    domains: parseDomstats(dom.out),
    node: parseNode(text(cpu, 'nodecpustats'), text(mem, 'nodememstats'), text(info, 'nodeinfo')),
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Rates between two samples

/** One domain's usage over the interval between two samples. A value that cannot be known is absent. */
export interface DomainRates {
  readonly name: string;
  readonly state: number;
  /** CPU time over the interval as a share of the domain's vCPUs (100 = every vCPU busy). */
  readonly cpuPercent?: number;
  /** The same CPU time as a share of all the host's CPUs. */
  readonly hostCpuPercent?: number;
  readonly memoryBytes?: number;
  readonly maxMemoryBytes?: number;
  readonly rssBytes?: number;
  /** What the guest itself uses (available - unused), when its balloon driver says. */
  readonly guestUsedBytes?: number;
  readonly diskReadBps?: number;
  readonly diskWriteBps?: number;
  readonly netRxBps?: number;
  readonly netTxBps?: number;
  /** A counter went backwards: the domain started again within the interval. */
  readonly restarted: boolean;
}

export interface NodeRates {
  readonly cpuPercent?: number;
  readonly cpus?: number;
  readonly memTotalBytes?: number;
  readonly memUsedBytes?: number;
}

export interface UsageRates {
  readonly at: number;
  /** Milliseconds since the previous sample; 0 when there was none (only levels, no rates). */
  readonly intervalMs: number;
  readonly domains: readonly DomainRates[];
  readonly node: NodeRates;
}

/**
 * How much a counter grew. A counter that went backwards was reset (the domain started again, a device
 * was re-plugged): what it counts now all happened within the interval, so that is the growth (as
 * Prometheus' rate() does).
 */
function growth(prev: number | undefined, cur: number | undefined): { d: number; reset: boolean } | null {
  if (cur === undefined || prev === undefined) return null;
  return cur >= prev ? { d: cur - prev, reset: false } : { d: cur, reset: true };
}

const RUNNING = 1;

/** The per-second rates of a set of devices, matched by name; devices in only one sample are left out. */
function deviceRates(
  prev: readonly DeviceCounters[],
  cur: readonly DeviceCounters[],
  seconds: number,
): { inBps?: number; outBps?: number; reset: boolean } {
  let inSum = 0;
  let outSum = 0;
  let inSeen = false;
  let outSeen = false;
  let reset = false;
  for (const c of cur) {
    const p = prev.find((x) => x.name === c.name);
    if (!p) continue;
    const gi = growth(p.inBytes, c.inBytes);
    const go = growth(p.outBytes, c.outBytes);
    if (gi) {
      inSum += gi.d;
      inSeen = true;
      reset ||= gi.reset;
    }
    if (go) {
      outSum += go.d;
      outSeen = true;
      reset ||= go.reset;
    }
  }
  return {
    ...(inSeen ? { inBps: inSum / seconds } : {}),
    ...(outSeen ? { outBps: outSum / seconds } : {}),
    reset,
  };
}

function levels(c: DomainCounters): {
  memoryBytes?: number;
  maxMemoryBytes?: number;
  rssBytes?: number;
  guestUsedBytes?: number;
} {
  const o: { memoryBytes?: number; maxMemoryBytes?: number; rssBytes?: number; guestUsedBytes?: number } = {};
  if (c.memoryKiB !== undefined) o.memoryBytes = c.memoryKiB * 1024;
  if (c.maxMemoryKiB !== undefined) o.maxMemoryBytes = c.maxMemoryKiB * 1024;
  if (c.rssKiB !== undefined) o.rssBytes = c.rssKiB * 1024;
  if (c.guestAvailableKiB !== undefined && c.guestUnusedKiB !== undefined)
    o.guestUsedBytes = Math.max(0, c.guestAvailableKiB - c.guestUnusedKiB) * 1024;
  return o;
}

function domainRates(
  prev: DomainCounters | undefined,
  cur: DomainCounters,
  seconds: number,
  hostCpus: number | undefined,
): DomainRates {
  const base = { name: cur.name, state: cur.state, ...levels(cur) };
  // A domain not running now has no usage: its counters are gone or frozen.
  if (!prev || seconds <= 0 || cur.state !== RUNNING) return { ...base, restarted: false };
  const cpu = growth(prev.cpuTimeNs, cur.cpuTimeNs);
  const disk = deviceRates(prev.disks, cur.disks, seconds);
  const net = deviceRates(prev.nics, cur.nics, seconds);
  const out: {
    cpuPercent?: number;
    hostCpuPercent?: number;
    diskReadBps?: number;
    diskWriteBps?: number;
    netRxBps?: number;
    netTxBps?: number;
  } = {};
  if (cpu) {
    const share = cpu.d / (seconds * 1e9);
    if (cur.vcpus) out.cpuPercent = (share / cur.vcpus) * 100;
    if (hostCpus) out.hostCpuPercent = (share / hostCpus) * 100;
  }
  if (disk.inBps !== undefined) out.diskReadBps = disk.inBps;
  if (disk.outBps !== undefined) out.diskWriteBps = disk.outBps;
  if (net.inBps !== undefined) out.netRxBps = net.inBps;
  if (net.outBps !== undefined) out.netTxBps = net.outBps;
  return { ...base, ...out, restarted: (cpu?.reset ?? false) || disk.reset || net.reset };
}

function nodeRates(prev: NodeCounters | undefined, cur: NodeCounters): NodeRates {
  const o: { cpuPercent?: number; cpus?: number; memTotalBytes?: number; memUsedBytes?: number } = {};
  if (cur.cpus !== undefined) o.cpus = cur.cpus;
  if (cur.memTotalKiB !== undefined) o.memTotalBytes = cur.memTotalKiB * 1024;
  if (cur.memUsedKiB !== undefined) o.memUsedBytes = cur.memUsedKiB * 1024;
  const busy = growth(prev?.cpuBusyNs, cur.cpuBusyNs);
  const total = growth(prev?.cpuTotalNs, cur.cpuTotalNs);
  // The host rebooted (its counters went back) or they did not move (the test driver's fixed numbers).
  if (busy && total && !busy.reset && !total.reset && total.d > 0)
    o.cpuPercent = Math.min(100, (busy.d / total.d) * 100);
  return o;
}

/**
 * The usage between two samples of one host (prev undefined: the first poll, levels only). Domains are
 * matched by name: one only in `prev` is gone and left out; one only in `cur` is new and has no rates yet.
 */
export function usageRates(prev: UsageSample | undefined, cur: UsageSample): UsageRates {
  const intervalMs = prev ? cur.at - prev.at : 0;
  const seconds = intervalMs / 1000;
  const before = new Map<string, DomainCounters>();
  if (prev && seconds > 0) for (const d of prev.domains) before.set(d.name, d);
  return {
    at: cur.at,
    intervalMs: Math.max(0, intervalMs),
    domains: cur.domains.map((d) => domainRates(before.get(d.name), d, seconds, cur.node.cpus)),
    node: nodeRates(seconds > 0 ? prev?.node : undefined, cur.node),
  };
}
