/** `virsh domstats` text → one record of counters per domain, in one pass over the text. */
import type { DomainCounters } from './counters';

const CODE_0 = 48;

/** A base-10 non-negative integer, or undefined (fast path for the digit strings virsh prints). */
export function num(s: string): number | undefined {
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
