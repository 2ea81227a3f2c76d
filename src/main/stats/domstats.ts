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

/** The virsh commands a usage poll may run (all in one batch). */
export const USAGE_COMMANDS = {
  domstats: [
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
  nodecpustats: ['nodecpustats'],
  nodememstats: ['nodememstats'],
  nodeinfo: ['nodeinfo'],
} as const satisfies Record<string, readonly string[]>;

export type UsageCommand = keyof typeof USAGE_COMMANDS;

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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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

/** Digits of text[from, to) as a number; undefined when empty or not all digits (then Number() decides). */
function numAt(text: string, from: number, to: number): number | undefined {
  if (from >= to) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - CODE_0;
    if (d < 0 || d > 9) return num(text.slice(from, to));
    n = n * 10 + d;
  }
  return n;
}

/** Scalar keys: the exact key, and where its value goes. */
const SCALARS: readonly [string, keyof MutableDomain][] = [
  ['state.state', 'state'],
  ['cpu.time', 'cpuTimeNs'],
  ['vcpu.current', 'vcpus'],
  ['balloon.current', 'memoryKiB'],
  ['balloon.maximum', 'maxMemoryKiB'],
  ['balloon.rss', 'rssKiB'],
  ['balloon.available', 'guestAvailableKiB'],
  ['balloon.unused', 'guestUnusedKiB'],
];
const SCALARS_BY_CHAR = new Map<number, [string, keyof MutableDomain][]>();
for (const [key, field] of SCALARS) {
  const c = key.charCodeAt(0);
  SCALARS_BY_CHAR.set(c, [...(SCALARS_BY_CHAR.get(c) ?? []), [`${key}=`, field]]);
}

/** Device keys: `net.N.` / `block.N.` then one of these, and which counter it is. */
const NET = { prefix: 'net.', in: 'rx.bytes=', out: 'tx.bytes=' } as const;
const BLOCK = { prefix: 'block.', in: 'rd.bytes=', out: 'wr.bytes=' } as const;

/**
 * One `key=value` line, text[k, end) with k at the key. Compares in place and slices only names, so the
 * many keys nobody reads (vcpu.N.*, block.N.path, *.pkts…) cost a character test or two.
 */
function setFieldAt(d: MutableDomain, text: string, k: number, end: number): void {
  const c = text.charCodeAt(k);
  const scalars = SCALARS_BY_CHAR.get(c);
  if (scalars) {
    for (const [key, field] of scalars) {
      if (!text.startsWith(key, k)) continue;
      const v = numAt(text, k + key.length, end);
      if (field === 'state') d.state = v ?? -1;
      else (d as unknown as Record<string, number | undefined>)[field] = v;
      return;
    }
  }
  const kind = c === 110 /* n */ ? NET : c === 98 /* b */ ? BLOCK : null;
  if (!kind || !text.startsWith(kind.prefix, k)) return;
  let i = k + kind.prefix.length;
  let index = 0;
  const digits = i;
  for (; i < end; i++) {
    const dgt = text.charCodeAt(i) - CODE_0;
    if (dgt < 0 || dgt > 9) break;
    index = index * 10 + dgt;
  }
  if (i === digits || text.charCodeAt(i) !== 46 /* . */) return;
  i++;
  // Most domains of a test host have no devices: their lists stay the shared empty one until one shows.
  let list = kind === NET ? d.nics : d.disks;
  if (list === NO_DEVICES) {
    list = [];
    if (kind === NET) d.nics = list;
    else d.disks = list;
  }
  if (text.startsWith('name=', i)) device(list, index).name = text.slice(i + 5, end);
  else if (text.startsWith(kind.in, i)) device(list, index).inBytes = numAt(text, i + kind.in.length, end);
  else if (text.startsWith(kind.out, i)) device(list, index).outBytes = numAt(text, i + kind.out.length, end);
}

const HEADER = "Domain: '";

/** The device list of a domain that reported none (shared: never written to). */
const NO_DEVICES = Object.freeze([]) as unknown as MutableDevice[];

function named(list: MutableDevice[]): MutableDevice[] {
  for (let i = 0; i < list.length; i++)
    if (!list[i] || list[i]!.name === '') return list.filter((x) => x?.name);
  return list;
}

/** Drops devices never named (holes in the indexes); fields never set were never added. */
function finish(d: MutableDomain): DomainCounters {
  if (d.nics.length) d.nics = named(d.nics);
  if (d.disks.length) d.disks = named(d.disks);
  return d;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const QUOTE = 39;

/**
 * Reads `virsh domstats` (pretty-printed or --raw): one "Domain: 'NAME'" line, then `  key=value` lines.
 * Unknown keys are skipped; a domain that reports nothing but its name keeps state -1. One pass over the
 * text, slicing only names (a 1,000-domain qemu host prints ~50,000 lines).
 */
export function parseDomstats(text: string): DomainCounters[] {
  const out: DomainCounters[] = [];
  let cur: MutableDomain | null = null;
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    const lineStart = start;
    start = end + 1;
    if (end > lineStart && text.charCodeAt(end - 1) === CR) end--;
    if (text.startsWith(HEADER, lineStart)) {
      if (end - lineStart <= HEADER.length || text.charCodeAt(end - 1) !== QUOTE) continue;
      if (cur) out.push(finish(cur));
      cur = {
        name: text.slice(lineStart + HEADER.length, end - 1),
        state: -1,
        nics: NO_DEVICES,
        disks: NO_DEVICES,
      };
      continue;
    }
    if (!cur) continue;
    let k = lineStart;
    while (k < end && (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB)) k++;
    if (k < end) setFieldAt(cur, text, k, end);
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
 * One poll's results → a sample. Only domstats is required: without it the poll tells nothing, and this
 * throws with virsh's message. A command not run this time (nodeinfo, which does not change, is asked
 * now and then) takes its values from `known`, the previous sample's node.
 */
export function parseUsageBatch(
  results: Partial<Record<UsageCommand, CommandResult>>,
  at: number,
  known?: NodeCounters,
): UsageSample {
  const dom = results.domstats;
  if (!dom?.ok) throw new Error(`virsh domstats: ${dom ? dom.error : 'no result'}`);
  const warnings: string[] = [];
  const text = (what: UsageCommand): string | null => {
    const r = results[what];
    if (r?.ok) return r.out;
    if (r) warnings.push(`${what}: ${r.error}`);
    return null;
  };
  const node = parseNode(text('nodecpustats'), text('nodememstats'), text('nodeinfo'));
  const merged: Mutable<NodeCounters> = { ...node };
  if (known && !results.nodeinfo) {
    if (merged.cpus === undefined && known.cpus !== undefined) merged.cpus = known.cpus;
    if (merged.memTotalKiB === undefined && known.memTotalKiB !== undefined)
      merged.memTotalKiB = known.memTotalKiB;
  }
  return { at, domains: parseDomstats(dom.out), node: merged, warnings };
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

/**
 * Adds the per-second rates of a set of devices, matched by name, to `out` (keys inKey / outKey); devices
 * in only one sample are left out. Returns whether a counter was reset.
 */
function addDeviceRates(
  prev: readonly DeviceCounters[],
  cur: readonly DeviceCounters[],
  seconds: number,
  out: Mutable<DomainRates>,
  inKey: 'diskReadBps' | 'netRxBps',
  outKey: 'diskWriteBps' | 'netTxBps',
): boolean {
  let reset = false;
  for (let i = 0; i < cur.length; i++) {
    const c = cur[i]!;
    // Devices keep their order between polls: look at the same place first.
    const p = prev[i]?.name === c.name ? prev[i] : prev.find((x) => x.name === c.name);
    if (!p) continue;
    const gi = growth(p.inBytes, c.inBytes);
    const go = growth(p.outBytes, c.outBytes);
    if (gi) {
      out[inKey] = (out[inKey] ?? 0) + gi.d / seconds;
      reset ||= gi.reset;
    }
    if (go) {
      out[outKey] = (out[outKey] ?? 0) + go.d / seconds;
      reset ||= go.reset;
    }
  }
  return reset;
}

function domainRates(
  prev: DomainCounters | undefined,
  cur: DomainCounters,
  seconds: number,
  hostCpus: number | undefined,
): DomainRates {
  const out: Mutable<DomainRates> = { name: cur.name, state: cur.state, restarted: false };
  if (cur.memoryKiB !== undefined) out.memoryBytes = cur.memoryKiB * 1024;
  if (cur.maxMemoryKiB !== undefined) out.maxMemoryBytes = cur.maxMemoryKiB * 1024;
  if (cur.rssKiB !== undefined) out.rssBytes = cur.rssKiB * 1024;
  if (cur.guestAvailableKiB !== undefined && cur.guestUnusedKiB !== undefined)
    out.guestUsedBytes = Math.max(0, cur.guestAvailableKiB - cur.guestUnusedKiB) * 1024;
  // A domain not running now has no usage: its counters are gone or frozen.
  if (!prev || seconds <= 0 || cur.state !== RUNNING) return out;
  const cpu = growth(prev.cpuTimeNs, cur.cpuTimeNs);
  if (cpu) {
    const share = cpu.d / (seconds * 1e9);
    if (cur.vcpus) out.cpuPercent = (share / cur.vcpus) * 100;
    if (hostCpus) out.hostCpuPercent = (share / hostCpus) * 100;
  }
  const diskReset = addDeviceRates(prev.disks, cur.disks, seconds, out, 'diskReadBps', 'diskWriteBps');
  const netReset = addDeviceRates(prev.nics, cur.nics, seconds, out, 'netRxBps', 'netTxBps');
  out.restarted = (cpu?.reset ?? false) || diskReset || netReset;
  return out;
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
  const old = prev && seconds > 0 ? prev.domains : [];
  // virsh lists domains in the same order from poll to poll: look at the same place first, and index the
  // previous ones by name only when a domain came or went.
  let byName: Map<string, DomainCounters> | null = null;
  const previous = (d: DomainCounters, i: number): DomainCounters | undefined => {
    if (old[i]?.name === d.name) return old[i];
    byName ??= new Map(old.map((o) => [o.name, o]));
    return byName.get(d.name);
  };
  const domains: DomainRates[] = new Array<DomainRates>(cur.domains.length);
  for (let i = 0; i < cur.domains.length; i++) {
    const d = cur.domains[i]!;
    domains[i] = domainRates(previous(d, i), d, seconds, cur.node.cpus);
  }
  return {
    at: cur.at,
    intervalMs: Math.max(0, intervalMs),
    domains,
    node: nodeRates(seconds > 0 ? prev?.node : undefined, cur.node),
  };
}
