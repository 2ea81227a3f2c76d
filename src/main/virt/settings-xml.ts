/**
 * A VM settings change, planned from the domain's XML. Pure: from the inactive XML (and, for a running VM, the
 * live XML) and a validated change list it gives the new inactive document (exactly what `virsh define` gets),
 * the live actions for a running VM (setvcpus, setmem, attach/detach/update-device, blockresize, change-media,
 * desc), the volumes to create, grow and delete, when each change takes effect, and why a change is refused.
 *
 * The document is edited in place, as clone-xml.ts does: every element a change does not touch keeps its bytes.
 * What a change adds (a disk, a NIC, a `<source>`) is built by fast-xml-parser's XMLBuilder, which escapes
 * every value, and indented like its neighbours.
 */
import type {
  BootDeviceName,
  SettingsDiskBus,
  SettingsEffect,
  VmSettingsChange,
} from '../../shared/domain/vm-settings';
import { diskTargetName, xmlBuilder } from './domain-xml';
import { bytes, node, parseXml, text, type XmlNode } from './xml';

/** A volume on the VM's host, as the inventory knows it. */
export interface SettingsVolume {
  readonly pool: string;
  readonly name: string;
  readonly path: string;
  readonly format: string | null;
  readonly capacityBytes: number;
}

export interface SettingsPool {
  readonly name: string;
  /** The pool's directory (null: not a directory pool, where QHCI does not create volumes). */
  readonly path: string | null;
}

export interface SettingsContext {
  readonly inactiveXml: string;
  /** The running VM's XML; null when it is not running. */
  readonly liveXml: string | null;
  readonly pools: readonly SettingsPool[];
  readonly volumes: readonly SettingsVolume[];
  /** The networks of the VM's host. */
  readonly networks: readonly string[];
  /** One fresh MAC per NIC the change adds, in order (random bytes are the caller's: see macFrom). */
  readonly macs: readonly string[];
}

export type LiveAction =
  | { readonly kind: 'setvcpus'; readonly count: number }
  | { readonly kind: 'setmem'; readonly kib: number }
  | { readonly kind: 'attach-device'; readonly xml: string }
  | { readonly kind: 'detach-device'; readonly xml: string }
  | { readonly kind: 'update-device'; readonly xml: string }
  | { readonly kind: 'blockresize'; readonly target: string; readonly bytes: number }
  /** path null: eject. `insert`: the tray was empty. */
  | {
      readonly kind: 'change-media';
      readonly target: string;
      readonly path: string | null;
      readonly insert: boolean;
    }
  | { readonly kind: 'description'; readonly text: string };

export interface PlannedChange {
  /** Its index in the change list. */
  readonly index: number;
  readonly kind: VmSettingsChange['kind'];
  /** What it does, for the screen ("Memory 2 GiB → 4 GiB"). */
  readonly summary: string;
  readonly effect: SettingsEffect;
  /** Why it waits for the next boot, when it does on a running VM. */
  readonly note?: string;
  /** Run in this order on the running VM, after the new definition. */
  readonly live: readonly LiveAction[];
}

export interface SettingsRefusal {
  readonly index: number;
  readonly message: string;
}

export interface NewVolume {
  readonly pool: string;
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly format: 'qcow2';
}

export interface SettingsPlan {
  /** The new inactive definition: what `virsh define` gets. */
  readonly inactiveXml: string;
  readonly running: boolean;
  /** The changes that can be made, in request order. */
  readonly changes: readonly PlannedChange[];
  /** The changes that cannot: when there are any, nothing is applied. */
  readonly refusals: readonly SettingsRefusal[];
  /** Volumes to create before the definition. */
  readonly createVolumes: readonly NewVolume[];
  /** Volumes to grow (a VM that is not running: with the volume's own tools, not blockresize). */
  readonly resizeVolumes: readonly { pool: string; name: string; path: string; sizeBytes: number }[];
  /** Volumes to delete once the new definition is in place. */
  readonly deleteVolumes: readonly { pool: string; name: string; path: string }[];
  /** `virsh autostart` (null: unchanged). */
  readonly autostart: boolean | null;
  /** The inventory's labels (null: unchanged). */
  readonly labels: Readonly<Record<string, string>> | null;
}

// ---- the document, by offsets ----

interface Block {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

class Refused extends Error {}
const refuse = (message: string): never => {
  throw new Refused(message);
};

/** [start, end) of what lies between `<devices>` and `</devices>`. */
function devicesRange(doc: string): { start: number; end: number } | null {
  const open = /<devices\s*>/.exec(doc);
  if (!open) return null;
  const close = doc.indexOf('</devices>', open.index);
  return close < 0 ? null : { start: open.index + open[0].length, end: close };
}

/** The top-level `<tag>` elements of `<devices>` (self-closing or not), in document order. */
function deviceBlocks(doc: string, tag: string): Block[] {
  const range = devicesRange(doc);
  if (!range) return [];
  const re = new RegExp(`<${tag}(?=[\\s>/])(?:[^>]*?/>|[\\s\\S]*?</${tag}>)`, 'g');
  re.lastIndex = range.start;
  const out: Block[] = [];
  for (let m = re.exec(doc); m && m.index < range.end; m = re.exec(doc)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

/** The part of the document before `<devices>` (top-level elements such as `<memory>`, never a device's). */
function headEnd(doc: string): number {
  return devicesRange(doc)?.start ?? doc.length;
}

function lineIndent(doc: string, at: number): string {
  const lineStart = doc.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*/.exec(doc.slice(lineStart, at))?.[0] ?? '';
}

/**
 * An element built by XMLBuilder, in libvirt's own style (single quotes). The builder escapes every `"` and `'`
 * of a value, so each `"` it writes is a delimiter.
 */
function built(el: XmlNode): string {
  return (xmlBuilder.build(el) as string).trimEnd().replace(/"/g, "'");
}

/** A built element as lines indented by `indent`. */
function fragment(el: XmlNode, indent: string): string {
  return built(el)
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

const deviceXml = built;

function splice(doc: string, start: number, end: number, insert: string): string {
  return doc.slice(0, start) + insert + doc.slice(end);
}

/** Removes a block with the line it stands on. */
function removeBlock(doc: string, b: Block): string {
  const lineStart = doc.lastIndexOf('\n', b.start - 1);
  const onItsLine = /^[ \t]*$/.test(doc.slice(lineStart + 1, b.start));
  return onItsLine && lineStart >= 0 ? splice(doc, lineStart, b.end, '') : splice(doc, b.start, b.end, '');
}

/** The indentation of a device's children. */
function childIndent(doc: string): string {
  const range = devicesRange(doc);
  if (!range) return '    ';
  const first = /<[A-Za-z]/.exec(doc.slice(range.start, range.end));
  if (first) return lineIndent(doc, range.start + first.index);
  const open = doc.lastIndexOf('<devices', range.start);
  return `${lineIndent(doc, open)}  `;
}

/** Puts a new device after the last `<tag>` of the devices, or else just before `</devices>`. */
function insertDevice(doc: string, el: XmlNode, after: readonly string[]): string {
  const range = devicesRange(doc);
  if (!range) return refuse('The domain has no <devices> element');
  const indent = childIndent(doc);
  const frag = fragment(el, indent);
  for (const tag of after) {
    const last = deviceBlocks(doc, tag).at(-1);
    if (last) return splice(doc, last.end, last.end, `\n${frag}`);
  }
  const closeIndent = lineIndent(doc, range.end);
  const before = doc.slice(0, range.end).replace(/[ \t]*$/, '');
  return `${before}${frag}\n${closeIndent}${doc.slice(range.end)}`;
}

/** Sets (or adds) an attribute of an element's start tag, keeping its quotes. */
function setAttr(startTag: string, name: string, value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');
  const re = new RegExp(`(\\s${name}=)(["'])[^"']*\\2`);
  if (re.test(startTag))
    return startTag.replace(re, (_m, head: string, q: string) => `${head}${q}${escaped}${q}`);
  return startTag.replace(/\s*(\/?>)$/, (_m, close: string) => ` ${name}='${escaped}'${close}`);
}

function removeAttr(startTag: string, name: string): string {
  return startTag.replace(new RegExp(`\\s${name}=(["'])[^"']*\\1`), '');
}

/** The child element `<tag …/>` or `<tag …>…</tag>` of a block, with its offsets in the block. */
function childOf(block: string, tag: string): Block | null {
  const m = new RegExp(`<${tag}(?=[\\s>/])(?:[^>]*?/>|[\\s\\S]*?</${tag}>)`).exec(block);
  return m ? { start: m.index, end: m.index + m[0].length, text: m[0] } : null;
}

/** Replaces the child `<tag>` of a block, or adds it after the child `after` (else after the start tag). */
function setChild(block: string, tag: string, el: XmlNode, after: readonly string[]): string {
  const indent = /\n([ \t]+)</.exec(block)?.[1] ?? '  ';
  const old = childOf(block, tag);
  if (old) return splice(block, old.start, old.end, fragment(el, indent).trimStart());
  let at = block.indexOf('>') + 1;
  for (const t of after) {
    const c = childOf(block, t);
    if (c) {
      at = c.end;
      break;
    }
  }
  return splice(block, at, at, `\n${fragment(el, indent)}`);
}

function removeChild(block: string, tag: string): string {
  const c = childOf(block, tag);
  return c ? removeBlock(block, c) : block;
}

const startTagOf = (block: string) => /^<[^>]*>/.exec(block)?.[0] ?? '';
const withStartTag = (block: string, tag: string) => tag + block.slice(startTagOf(block).length);

// ---- what the document holds ----

interface DiskFacts extends Block {
  readonly type: string;
  readonly device: string;
  readonly target: string;
  readonly bus: string | null;
  readonly path: string | null;
  readonly bootOrder: number | null;
}

function disksOf(doc: string): DiskFacts[] {
  return deviceBlocks(doc, 'disk').map((b) => {
    const d = node(parseXml(b.text), 'disk') ?? {};
    const src = node(d, 'source');
    const order = text(node(d, 'boot'), '@order');
    return {
      ...b,
      type: text(d, '@type') ?? 'file',
      device: text(d, '@device') ?? 'disk',
      target: text(node(d, 'target'), '@dev') ?? '',
      bus: text(node(d, 'target'), '@bus') ?? null,
      path: text(src, '@file') ?? text(src, '@dev') ?? null,
      bootOrder: order === undefined ? null : Number(order),
    };
  });
}

interface NicFacts extends Block {
  readonly type: string;
  readonly mac: string;
  readonly network: string | null;
  readonly model: string | null;
}

function nicsOf(doc: string): NicFacts[] {
  return deviceBlocks(doc, 'interface').map((b) => {
    const i = node(parseXml(b.text), 'interface') ?? {};
    return {
      ...b,
      type: text(i, '@type') ?? '',
      mac: (text(node(i, 'mac'), '@address') ?? '').toLowerCase(),
      network: text(node(i, 'source'), '@network') ?? null,
      model: text(node(i, 'model'), '@type') ?? null,
    };
  });
}

/** The disk the VM boots from: the lowest `<boot order>` among disks, else the first disk. */
function bootDisk(doc: string): DiskFacts | undefined {
  const disks = disksOf(doc).filter((d) => d.device === 'disk');
  const ordered = disks.filter((d) => d.bootOrder !== null).sort((a, b) => a.bootOrder! - b.bootOrder!);
  return ordered[0] ?? (/<boot\s+order=/.test(doc) ? undefined : disks[0]);
}

interface Head {
  readonly name: string;
  readonly vcpuMax: number;
  readonly vcpuCurrent: number;
  readonly memoryKib: number;
  readonly currentMemoryKib: number;
  readonly balloon: boolean;
}

function headOf(doc: string): Head {
  const dom = node(parseXml(doc), 'domain');
  if (!dom) throw new Error('Not a domain document');
  const vcpuMax = Number(text(dom, 'vcpu') ?? 1);
  const memoryKib = Math.round(bytes(dom.memory, 'KiB') / 1024);
  const balloon = deviceBlocks(doc, 'memballoon').some(
    (b) => !/\smodel=(["'])none\1/.test(startTagOf(b.text)),
  );
  return {
    name: text(dom, 'name') ?? '',
    vcpuMax,
    vcpuCurrent: Number(text(node(dom, 'vcpu'), '@current') ?? vcpuMax),
    memoryKib,
    currentMemoryKib:
      dom.currentMemory === undefined ? memoryKib : Math.round(bytes(dom.currentMemory, 'KiB') / 1024),
    balloon,
  };
}

// ---- sizes, for the summaries ----

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  for (; v >= 1024 && u < units.length - 1; u++) v /= 1024;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

// ---- the changes ----

interface Work {
  doc: string;
  readonly ctx: SettingsContext;
  readonly live: string | null;
  readonly running: boolean;
  readonly name: string;
  macs: number;
  /** Free PCIe slots of the running VM (null: not a PCIe machine, or not running). */
  pcieFree: number | null;
  readonly createVolumes: NewVolume[];
  readonly resizeVolumes: { pool: string; name: string; path: string; sizeBytes: number }[];
  readonly deleteVolumes: { pool: string; name: string; path: string }[];
  autostart: boolean | null;
  labels: Readonly<Record<string, string>> | null;
}

type Outcome = Omit<PlannedChange, 'index' | 'kind'>;

function setVcpu(doc: string, max: number, current: number): string {
  const vcpu = /<vcpu\b[^>]*>[^<]*<\/vcpu>/.exec(doc.slice(0, headEnd(doc)));
  if (!vcpu) return refuse('The domain has no <vcpu> element');
  let tag = startTagOf(vcpu[0]);
  tag = current < max ? setAttr(tag, 'current', String(current)) : removeAttr(tag, 'current');
  const out = splice(doc, vcpu.index, vcpu.index + vcpu[0].length, `${tag}${max}</vcpu>`);
  const topo = /<topology\b[^>]*\/>/.exec(out.slice(0, headEnd(out)));
  if (!topo) return out;
  const has = (n: string) => new RegExp(`\\s${n}=`).test(topo[0]);
  const get = (n: string) => Number(new RegExp(`\\s${n}=["'](\\d+)["']`).exec(topo[0])?.[1] ?? 1);
  const others = get('sockets') * get('dies') * get('clusters') * get('threads');
  if (others * get('cores') === max) return out;
  let next = topo[0];
  if (max % others === 0) {
    next = setAttr(next, 'cores', String(max / others));
  } else {
    // One socket of `max` cores: the only topology every count has.
    next = setAttr(setAttr(next, 'sockets', '1'), 'cores', String(max));
    for (const n of ['dies', 'clusters', 'threads']) if (has(n)) next = setAttr(next, n, '1');
  }
  return splice(out, topo.index, topo.index + topo[0].length, next);
}

function vcpus(w: Work, c: Extract<VmSettingsChange, { kind: 'vcpus' }>): Outcome {
  const head = headOf(w.doc);
  const max = c.maximum ?? head.vcpuMax;
  if (c.current > max) refuse(`${c.current} vCPUs is above the maximum of ${max}: raise the maximum too`);
  if (c.maximum !== undefined && c.maximum !== head.vcpuMax && /<vcpus\s*>/.test(w.doc)) {
    refuse('This VM lists its vCPUs one by one (<vcpus>): QHCI does not change their number');
  }
  w.doc = setVcpu(w.doc, max, c.current);
  const summary =
    `vCPUs ${head.vcpuCurrent} → ${c.current}` +
    (max !== head.vcpuMax ? ` (maximum ${head.vcpuMax} → ${max})` : '');
  if (!w.running || !w.live) return { summary, effect: 'next-boot', live: [] };
  const live = headOf(w.live);
  if (c.current > live.vcpuMax) {
    return {
      summary,
      effect: 'next-boot',
      note: `The running VM can have at most ${live.vcpuMax} vCPUs; ${c.current} from its next boot`,
      live: [],
    };
  }
  const actions: LiveAction[] =
    c.current === live.vcpuCurrent ? [] : [{ kind: 'setvcpus', count: c.current }];
  return max === live.vcpuMax
    ? { summary, effect: 'both', live: actions }
    : {
        summary,
        effect: 'both',
        note: `The maximum of ${max} vCPUs takes effect at next boot`,
        live: actions,
      };
}

function setMemoryElement(doc: string, tag: 'memory' | 'currentMemory', kib: number): string {
  const re = new RegExp(`<${tag}\\b[^>]*>[^<]*</${tag}>`);
  const m = re.exec(doc.slice(0, headEnd(doc)));
  if (m) {
    const start = setAttr(startTagOf(m[0]), 'unit', 'KiB');
    return splice(doc, m.index, m.index + m[0].length, `${start}${kib}</${tag}>`);
  }
  if (tag === 'memory') return refuse('The domain has no <memory> element');
  const mem = /<memory\b[^>]*>[^<]*<\/memory>/.exec(doc.slice(0, headEnd(doc)));
  if (!mem) return refuse('The domain has no <memory> element');
  const at = mem.index + mem[0].length;
  return splice(
    doc,
    at,
    at,
    `\n${lineIndent(doc, mem.index)}<currentMemory unit='KiB'>${kib}</currentMemory>`,
  );
}

function memory(w: Work, c: Extract<VmSettingsChange, { kind: 'memory' }>): Outcome {
  const head = headOf(w.doc);
  const kib = c.currentBytes / 1024;
  const maxKib = c.maximumBytes === undefined ? head.memoryKib : c.maximumBytes / 1024;
  if (kib > maxKib) {
    refuse(
      `${formatBytes(c.currentBytes)} is above the maximum memory of ${formatBytes(maxKib * 1024)}: raise the maximum too`,
    );
  }
  if (maxKib !== head.memoryKib && /<numa\s*>/.test(w.doc)) {
    refuse('This VM has NUMA cells: QHCI does not change their memory');
  }
  w.doc = setMemoryElement(setMemoryElement(w.doc, 'memory', maxKib), 'currentMemory', kib);
  const summary =
    `Memory ${formatBytes(head.currentMemoryKib * 1024)} → ${formatBytes(c.currentBytes)}` +
    (maxKib !== head.memoryKib
      ? ` (maximum ${formatBytes(head.memoryKib * 1024)} → ${formatBytes(maxKib * 1024)})`
      : '');
  if (!w.running || !w.live) return { summary, effect: 'next-boot', live: [] };
  const live = headOf(w.live);
  if (kib > live.memoryKib) {
    return {
      summary,
      effect: 'next-boot',
      note: `The running VM can have at most ${formatBytes(live.memoryKib * 1024)}; ${formatBytes(c.currentBytes)} from its next boot`,
      live: [],
    };
  }
  if (!live.balloon && kib !== live.currentMemoryKib) {
    return {
      summary,
      effect: 'next-boot',
      note: 'The VM has no balloon device: memory changes at next boot',
      live: [],
    };
  }
  const actions: LiveAction[] = kib === live.currentMemoryKib ? [] : [{ kind: 'setmem', kib }];
  return maxKib === live.memoryKib
    ? { summary, effect: 'both', live: actions }
    : { summary, effect: 'both', note: 'The new maximum takes effect at next boot', live: actions };
}

const BUS_PREFIX: Readonly<Record<SettingsDiskBus, 'vd' | 'sd'>> = { virtio: 'vd', sata: 'sd' };

function usedTargets(w: Work): Set<string> {
  return new Set([...disksOf(w.doc), ...(w.live ? disksOf(w.live) : [])].map((d) => d.target));
}

/** The bus and target of a new disk: the given ones checked, else the next free one. */
function newTarget(
  w: Work,
  bus: SettingsDiskBus | undefined,
  target: string | undefined,
): { bus: SettingsDiskBus; target: string } {
  const used = usedTargets(w);
  const firstBus = disksOf(w.doc).find((d) => d.device === 'disk')?.bus;
  const fromTarget = target?.startsWith('vd') ? 'virtio' : target?.startsWith('sd') ? 'sata' : undefined;
  if (target !== undefined && fromTarget === undefined)
    refuse(`Target ${target}: new disks are vd… (virtio) or sd… (sata)`);
  const b: SettingsDiskBus = bus ?? fromTarget ?? (firstBus === 'sata' ? 'sata' : 'virtio');
  if (target !== undefined) {
    if (fromTarget !== b) refuse(`Target ${target} is not a ${b} disk name (${BUS_PREFIX[b]}…)`);
    if (used.has(target)) refuse(`Target ${target} is already used by another disk`);
    return { bus: b, target };
  }
  for (let i = 0; i < 26 * 27; i++) {
    const t = diskTargetName(BUS_PREFIX[b], i);
    if (!used.has(t)) return { bus: b, target: t };
  }
  return refuse('No free disk target');
}

function diskElement(path: string, format: string, target: string, bus: SettingsDiskBus): XmlNode {
  return {
    disk: {
      '@type': 'file',
      '@device': 'disk',
      driver: { '@name': 'qemu', '@type': format, ...(bus === 'virtio' ? { '@discard': 'unmap' } : {}) },
      source: { '@file': path },
      target: { '@dev': target, '@bus': bus },
    },
  };
}

function attachDisk(w: Work, el: XmlNode, bus: SettingsDiskBus): Omit<Outcome, 'summary'> {
  w.doc = insertDevice(w.doc, el, ['disk', 'emulator']);
  if (!w.running) return { effect: 'next-boot', live: [] };
  if (bus !== 'virtio') {
    return {
      effect: 'next-boot',
      note: 'A SATA disk cannot be added to a running VM: it appears at next boot',
      live: [],
    };
  }
  return hotplug(w, el);
}

/**
 * The PCIe slots a running q35 VM has free for a hot-plugged device: its pcie-root-port controllers no device
 * sits behind (QEMU adds no root port to a running VM). null: not a PCIe machine.
 */
function freePcieSlots(live: string): number | null {
  const tags = deviceBlocks(live, 'controller').map((b) => startTagOf(b.text));
  const model = (t: string) => /\smodel=["']([^"']*)/.exec(t)?.[1];
  if (!tags.some((t) => model(t) === 'pcie-root')) return null;
  const used = new Set(
    [...live.matchAll(/<address\b[^>]*>/g)]
      .filter((m) => /\stype=["']pci["']/.test(m[0]))
      .map((m) => Number(/\sbus=["']([^"']*)/.exec(m[0])?.[1] ?? 0)),
  );
  return tags.filter(
    (t) => model(t) === 'pcie-root-port' && !used.has(Number(/\sindex=["'](\d+)/.exec(t)?.[1])),
  ).length;
}

/** A PCI device attached to the running VM too, while it has a free slot; else from its next boot. */
function hotplug(w: Work, el: XmlNode): Omit<Outcome, 'summary'> {
  if (w.pcieFree === 0) {
    return {
      effect: 'next-boot',
      note: 'The running VM has no free PCIe slot (none can be added while it runs): it appears at next boot',
      live: [],
    };
  }
  if (w.pcieFree !== null) w.pcieFree--;
  return { effect: 'both', live: [{ kind: 'attach-device', xml: deviceXml(el) }] };
}

function poolOf(w: Work, name: string): SettingsPool {
  return w.ctx.pools.find((p) => p.name === name) ?? refuse(`Pool ${name} is not on the VM's host`);
}

function volumeOf(w: Work, pool: string, name: string): SettingsVolume {
  return (
    w.ctx.volumes.find((v) => v.pool === pool && v.name === name) ??
    refuse(`Volume ${name} is not in pool ${pool}`)
  );
}

function diskAddNew(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-add-new' }>): Outcome {
  const pool = poolOf(w, c.pool);
  if (pool.path === null)
    refuse(`Pool ${c.pool} is not a directory pool: QHCI creates new disks only in those`);
  const taken = (n: string) =>
    w.ctx.volumes.some((v) => v.pool === c.pool && v.name === n) ||
    w.createVolumes.some((v) => v.pool === c.pool && v.name === n);
  let name = c.name;
  if (name !== undefined && taken(name))
    refuse(`Volume ${name} already exists in pool ${c.pool}: attach it as an existing disk`);
  for (let n = 1; name === undefined; n++)
    if (!taken(`${w.name}-disk${n}.qcow2`)) name = `${w.name}-disk${n}.qcow2`;
  const { bus, target } = newTarget(w, c.bus, c.target);
  const path = `${pool.path!.replace(/\/+$/, '')}/${name}`;
  const out = attachDisk(w, diskElement(path, 'qcow2', target, bus), bus);
  w.createVolumes.push({ pool: c.pool, name, path, sizeBytes: c.sizeBytes, format: 'qcow2' });
  return { summary: `New ${formatBytes(c.sizeBytes)} disk ${target} (${c.pool}/${name})`, ...out };
}

function diskAddExisting(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-add-existing' }>): Outcome {
  const vol = volumeOf(w, c.pool, c.volume);
  if (vol.format === 'iso' || /\.iso$/i.test(vol.name))
    refuse(`${c.volume} is an ISO: insert it into a CD-ROM`);
  if (vol.format !== 'qcow2' && vol.format !== 'raw') {
    refuse(`${c.volume} is ${vol.format ?? 'of an unknown format'}: QHCI attaches qcow2 and raw volumes`);
  }
  const same = [...disksOf(w.doc), ...(w.live ? disksOf(w.live) : [])].find((d) => d.path === vol.path);
  if (same) refuse(`${c.volume} is already the VM's disk ${same.target}`);
  const { bus, target } = newTarget(w, c.bus, c.target);
  const out = attachDisk(w, diskElement(vol.path, vol.format!, target, bus), bus);
  return { summary: `Attach ${c.pool}/${c.volume} as ${target}`, ...out };
}

function diskNamed(doc: string, target: string): DiskFacts | undefined {
  return disksOf(doc).find((d) => d.target === target);
}

function volumeAt(w: Work, path: string | null): SettingsVolume | undefined {
  return path === null ? undefined : w.ctx.volumes.find((v) => v.path === path);
}

function diskGrow(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-grow' }>): Outcome {
  const disk = diskNamed(w.doc, c.target) ?? refuse(`The VM has no disk ${c.target}`);
  if (disk.device !== 'disk') refuse(`${c.target} is a ${disk.device}, not a disk`);
  const vol =
    volumeAt(w, disk.path) ?? refuse(`Disk ${c.target} is no volume QHCI knows: it cannot be grown here`);
  if (c.sizeBytes <= vol.capacityBytes) {
    refuse(`Disk ${c.target} is already ${formatBytes(vol.capacityBytes)}: disks only grow`);
  }
  const summary = `Grow ${c.target} ${formatBytes(vol.capacityBytes)} → ${formatBytes(c.sizeBytes)}`;
  if (w.running && w.live && diskNamed(w.live, c.target)) {
    return { summary, effect: 'both', live: [{ kind: 'blockresize', target: c.target, bytes: c.sizeBytes }] };
  }
  w.resizeVolumes.push({ pool: vol.pool, name: vol.name, path: vol.path, sizeBytes: c.sizeBytes });
  return { summary, effect: 'next-boot', live: [] };
}

function diskDetach(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-detach' }>): Outcome {
  const disk = diskNamed(w.doc, c.target) ?? refuse(`The VM has no disk ${c.target}`);
  if (disk.device === 'cdrom') refuse(`${c.target} is a CD-ROM: eject it instead`);
  if (bootDisk(w.doc)?.target === c.target) refuse(`${c.target} is the disk the VM boots from`);
  let summary = `Detach ${c.target}`;
  if (c.deleteVolume) {
    const vol =
      volumeAt(w, disk.path) ??
      refuse(`Disk ${c.target} is no volume QHCI knows: detach it without deleting`);
    w.deleteVolumes.push({ pool: vol.pool, name: vol.name, path: vol.path });
    summary += ` and delete ${vol.pool}/${vol.name}`;
  }
  w.doc = removeBlock(w.doc, disk);
  const live = w.running && w.live ? diskNamed(w.live, c.target) : undefined;
  if (!live) return { summary, effect: 'next-boot', live: [] };
  if (live.bus !== 'virtio' && live.bus !== 'scsi') {
    return {
      summary,
      effect: 'next-boot',
      note: `A ${live.bus ?? ''} disk cannot be removed from a running VM`,
      live: [],
    };
  }
  return { summary, effect: 'both', live: [{ kind: 'detach-device', xml: live.text }] };
}

function nicNamed(doc: string, mac: string): NicFacts | undefined {
  return nicsOf(doc).find((n) => n.mac === mac);
}

function knownNetwork(w: Work, name: string): string {
  return w.ctx.networks.includes(name) ? name : refuse(`Network ${name} is not on the VM's host`);
}

function nicAdd(w: Work, c: Extract<VmSettingsChange, { kind: 'nic-add' }>): Outcome {
  knownNetwork(w, c.network);
  const mac = w.ctx.macs[w.macs]?.toLowerCase();
  if (mac === undefined) throw new Error('A new NIC needs a MAC: pass one per added NIC in context.macs');
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new Error(`Not a MAC address: ${mac}`);
  w.macs++;
  if (nicNamed(w.doc, mac) || (w.live && nicNamed(w.live, mac))) refuse(`MAC ${mac} is already the VM's`);
  const el: XmlNode = {
    interface: {
      '@type': 'network',
      mac: { '@address': mac },
      source: { '@network': c.network },
      model: { '@type': c.model },
    },
  };
  w.doc = insertDevice(w.doc, el, ['interface', 'controller', 'disk']);
  const summary = `New ${c.model} NIC ${mac} on ${c.network}`;
  if (!w.running) return { summary, effect: 'next-boot', live: [] };
  return { summary, ...hotplug(w, el) };
}

function nicRemove(w: Work, c: Extract<VmSettingsChange, { kind: 'nic-remove' }>): Outcome {
  const nic = nicNamed(w.doc, c.mac) ?? refuse(`The VM has no NIC ${c.mac}`);
  w.doc = removeBlock(w.doc, nic);
  const summary = `Remove NIC ${c.mac}`;
  const live = w.running && w.live ? nicNamed(w.live, c.mac) : undefined;
  if (!live) return { summary, effect: 'next-boot', live: [] };
  return { summary, effect: 'both', live: [{ kind: 'detach-device', xml: live.text }] };
}

function withNetwork(block: string, network: string): string {
  const tag = startTagOf(block);
  const b = withStartTag(block, setAttr(tag, 'type', 'network'));
  return setChild(b, 'source', { source: { '@network': network } }, ['mac']);
}

function nicUpdate(w: Work, c: Extract<VmSettingsChange, { kind: 'nic-update' }>): Outcome {
  const nic = nicNamed(w.doc, c.mac) ?? refuse(`The VM has no NIC ${c.mac}`);
  const network = c.network === undefined ? undefined : knownNetwork(w, c.network);
  let block = nic.text;
  const parts: string[] = [];
  if (network !== undefined && network !== nic.network) {
    block = withNetwork(block, network);
    parts.push(`network ${nic.network ?? nic.type} → ${network}`);
  }
  if (c.model !== undefined && c.model !== nic.model) {
    block = setChild(block, 'model', { model: { '@type': c.model } }, ['source', 'mac']);
    parts.push(`model ${nic.model ?? 'default'} → ${c.model}`);
  }
  const summary = `NIC ${c.mac}: ${parts.length > 0 ? parts.join(', ') : 'unchanged'}`;
  w.doc = splice(w.doc, nic.start, nic.end, block);
  const live = w.running && w.live ? nicNamed(w.live, c.mac) : undefined;
  if (!live || parts.length === 0) return { summary, effect: 'next-boot', live: [] };
  if (c.model !== undefined && c.model !== live.model) {
    return { summary, effect: 'next-boot', note: 'A NIC model cannot change on a running VM', live: [] };
  }
  if (network === undefined || network === live.network) return { summary, effect: 'both', live: [] };
  return { summary, effect: 'both', live: [{ kind: 'update-device', xml: withNetwork(live.text, network) }] };
}

function cdromOf(doc: string, target: string | undefined): DiskFacts | undefined {
  const cds = disksOf(doc).filter((d) => d.device === 'cdrom');
  if (target === undefined) return cds[0];
  const d = diskNamed(doc, target);
  if (d && d.device !== 'cdrom') refuse(`${target} is a ${d.device}, not a CD-ROM`);
  return d;
}

function withMedium(block: string, path: string | null): string {
  if (path === null) return removeChild(block, 'source');
  const b = withStartTag(block, setAttr(startTagOf(block), 'type', 'file'));
  return setChild(b, 'source', { source: { '@file': path } }, ['driver']);
}

function cdromInsert(w: Work, c: Extract<VmSettingsChange, { kind: 'cdrom-insert' }>): Outcome {
  const vol = volumeOf(w, c.pool, c.volume);
  if (vol.format !== 'iso' && vol.format !== 'raw' && !/\.iso$/i.test(vol.name)) {
    refuse(`${c.volume} is ${vol.format ?? 'of an unknown format'}, not an ISO`);
  }
  const cd = cdromOf(w.doc, c.target);
  if (!cd) {
    if (c.target !== undefined) refuse(`The VM has no CD-ROM ${c.target}`);
    const { target } = newTarget(w, 'sata', undefined);
    const el: XmlNode = {
      disk: {
        '@type': 'file',
        '@device': 'cdrom',
        driver: { '@name': 'qemu', '@type': 'raw' },
        source: { '@file': vol.path },
        target: { '@dev': target, '@bus': 'sata' },
        readonly: '',
      },
    };
    w.doc = insertDevice(w.doc, el, ['disk', 'emulator']);
    const summary = `New CD-ROM ${target} with ${c.pool}/${c.volume}`;
    if (!w.running) return { summary, effect: 'next-boot', live: [] };
    return { summary, effect: 'next-boot', note: 'A CD-ROM drive cannot be added to a running VM', live: [] };
  }
  w.doc = splice(w.doc, cd.start, cd.end, withMedium(cd.text, vol.path));
  const summary = `Insert ${c.pool}/${c.volume} into ${cd.target}`;
  const live = w.running && w.live ? diskNamed(w.live, cd.target) : undefined;
  if (!live) return { summary, effect: 'next-boot', live: [] };
  return {
    summary,
    effect: 'both',
    live: [{ kind: 'change-media', target: cd.target, path: vol.path, insert: live.path === null }],
  };
}

function cdromEject(w: Work, c: Extract<VmSettingsChange, { kind: 'cdrom-eject' }>): Outcome {
  const cd = cdromOf(w.doc, c.target) ?? refuse(`The VM has no CD-ROM ${c.target}`);
  w.doc = splice(w.doc, cd.start, cd.end, withMedium(cd.text, null));
  const summary = `Eject ${c.target}`;
  const live = w.running && w.live ? diskNamed(w.live, c.target) : undefined;
  if (!live || live.path === null) return { summary, effect: live ? 'both' : 'next-boot', live: [] };
  return {
    summary,
    effect: 'both',
    live: [{ kind: 'change-media', target: c.target, path: null, insert: false }],
  };
}

function bootOrder(w: Work, order: readonly BootDeviceName[]): Outcome {
  if (/<boot\s+order=/.test(w.doc)) {
    refuse('This VM boots by per-device order (<boot order>): QHCI does not change it');
  }
  const os =
    /<os\b[^>]*>[\s\S]*?<\/os>/.exec(w.doc.slice(0, headEnd(w.doc))) ?? refuse('The domain has no <os>');
  let block = os[0];
  const indent = /\n([ \t]+)</.exec(block)?.[1] ?? '    ';
  const old = [...block.matchAll(/<boot\b[^>]*\/>/g)].map((m) => /dev=["']([^"']*)/.exec(m[0])?.[1] ?? '');
  while (childOf(block, 'boot')) block = removeChild(block, 'boot');
  const lines = order.map((dev) => fragment({ boot: { '@dev': dev } }, indent)).join('\n');
  let at = block.indexOf('>') + 1;
  for (const t of ['nvram', 'loader', 'firmware', 'type']) {
    const c = childOf(block, t);
    if (c) {
      at = c.end;
      break;
    }
  }
  block = splice(block, at, at, `\n${lines}`);
  w.doc = splice(w.doc, os.index, os.index + os[0].length, block);
  return {
    summary: `Boot order ${old.join(', ') || 'none'} → ${order.join(', ')}`,
    effect: 'next-boot',
    live: [],
  };
}

function description(w: Work, value: string): Outcome {
  const head = w.doc.slice(0, headEnd(w.doc));
  const old = /<description>[\s\S]*?<\/description>|<description\s*\/>/.exec(head);
  const el = fragment({ description: value }, '').trim();
  if (old) {
    w.doc =
      value === ''
        ? removeBlock(w.doc, { start: old.index, end: old.index + old[0].length, text: old[0] })
        : splice(w.doc, old.index, old.index + old[0].length, el);
  } else if (value !== '') {
    const anchor =
      /<title>[\s\S]*?<\/title>/.exec(head) ??
      /<uuid>[^<]*<\/uuid>/.exec(head) ??
      /<name>[^<]*<\/name>/.exec(head);
    if (!anchor) return refuse('The domain has no <name>');
    const at = anchor.index + anchor[0].length;
    w.doc = splice(w.doc, at, at, `\n${lineIndent(w.doc, anchor.index)}${el}`);
  }
  const summary = value === '' ? 'Clear the description' : 'Change the description';
  if (!w.running) return { summary, effect: 'next-boot', live: [] };
  return { summary, effect: 'both', live: [{ kind: 'description', text: value }] };
}

function applyOne(w: Work, c: VmSettingsChange): Outcome {
  switch (c.kind) {
    case 'vcpus':
      return vcpus(w, c);
    case 'memory':
      return memory(w, c);
    case 'disk-add-new':
      return diskAddNew(w, c);
    case 'disk-add-existing':
      return diskAddExisting(w, c);
    case 'disk-grow':
      return diskGrow(w, c);
    case 'disk-detach':
      return diskDetach(w, c);
    case 'nic-add':
      return nicAdd(w, c);
    case 'nic-remove':
      return nicRemove(w, c);
    case 'nic-update':
      return nicUpdate(w, c);
    case 'cdrom-insert':
      return cdromInsert(w, c);
    case 'cdrom-eject':
      return cdromEject(w, c);
    case 'boot-order':
      return bootOrder(w, c.order);
    case 'autostart':
      w.autostart = c.enabled;
      return {
        summary: c.enabled ? 'Start with the host' : 'Do not start with the host',
        effect: 'now',
        live: [],
      };
    case 'description':
      return description(w, c.text);
    case 'labels':
      w.labels = c.labels;
      return { summary: `Labels: ${Object.keys(c.labels).length} label(s)`, effect: 'now', live: [] };
    default: {
      const never: never = c;
      throw new Error(`Unknown change ${JSON.stringify(never)}`);
    }
  }
}

/** The plan of a settings change. A refused change leaves the document as it was; the others still show. */
export function planSettings(ctx: SettingsContext, changes: readonly VmSettingsChange[]): SettingsPlan {
  const w: Work = {
    doc: ctx.inactiveXml,
    ctx,
    live: ctx.liveXml,
    running: ctx.liveXml !== null,
    name: headOf(ctx.inactiveXml).name,
    macs: 0,
    pcieFree: ctx.liveXml === null ? null : freePcieSlots(ctx.liveXml),
    createVolumes: [],
    resizeVolumes: [],
    deleteVolumes: [],
    autostart: null,
    labels: null,
  };
  const planned: PlannedChange[] = [];
  const refusals: SettingsRefusal[] = [];
  changes.forEach((c, index) => {
    const before = {
      doc: w.doc,
      create: w.createVolumes.length,
      resize: w.resizeVolumes.length,
      del: w.deleteVolumes.length,
      macs: w.macs,
      pcie: w.pcieFree,
    };
    try {
      planned.push({ index, kind: c.kind, ...applyOne(w, c) });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      w.doc = before.doc;
      w.createVolumes.length = before.create;
      w.resizeVolumes.length = before.resize;
      w.deleteVolumes.length = before.del;
      w.macs = before.macs;
      w.pcieFree = before.pcie;
      refusals.push({ index, message: e.message });
    }
  });
  return {
    inactiveXml: w.doc,
    running: w.running,
    changes: planned,
    refusals,
    createVolumes: w.createVolumes,
    resizeVolumes: w.resizeVolumes,
    deleteVolumes: w.deleteVolumes,
    autostart: w.autostart,
    labels: w.labels,
  };
}

/**
 * The virsh arguments of a live action on `domain` (its UUID or name), every value after its option so that
 * none is read as one. A device action reads its XML from `file` (the caller writes `action.xml` there).
 */
export function liveActionArgs(domain: string, action: LiveAction, file?: string): string[] {
  const dom = ['--domain', domain];
  const needFile = () => file ?? refuseArgs(action.kind);
  switch (action.kind) {
    case 'setvcpus':
      return ['setvcpus', ...dom, '--count', String(action.count), '--live'];
    case 'setmem':
      return ['setmem', ...dom, '--size', `${action.kib}KiB`, '--live'];
    case 'attach-device':
    case 'detach-device':
    case 'update-device':
      return [action.kind, ...dom, '--file', needFile(), '--live'];
    case 'blockresize':
      return ['blockresize', ...dom, '--path', action.target, '--size', `${action.bytes}B`];
    case 'change-media':
      return action.path === null
        ? ['change-media', ...dom, '--path', action.target, '--eject', '--live']
        : [
            'change-media',
            ...dom,
            '--path',
            action.target,
            '--source',
            action.path,
            action.insert ? '--insert' : '--update',
            '--live',
          ];
    case 'description':
      return ['desc', ...dom, '--live', '--new-desc', action.text];
    default: {
      const never: never = action;
      throw new Error(`Unknown live action ${JSON.stringify(never)}`);
    }
  }
}

function refuseArgs(kind: string): never {
  throw new Error(`${kind} needs the file its device XML is written to`);
}
