/**
 * A full clone's domain XML, from the source's inactive XML: what must be copied (writable disks, NVRAM,
 * TPM state, our cloud-init seed) and the clone's document (new name, UUID, SMBIOS UUID, a MAC per NIC, the
 * copied disks' new files, NVRAM path, graphics on an automatic port). Everything else goes back to libvirt
 * as the source had it, byte for byte: ISOs and read-only or shareable disks keep pointing at the same files.
 */
import { QHCI_VM_XMLNS } from './domain-xml';
import { node, parseXml, text } from './xml';

/** One `<disk>` of the source, in document order. */
export interface CloneSourceDisk {
  readonly target: string;
  readonly device: string;
  /** The file or block device it reads (null: no medium, or a network / pool-volume source). */
  readonly source: string | null;
  /** Its format as the domain declares it (`<driver type>`; raw when it says none): never probed. */
  readonly format: string;
  readonly readonly: boolean;
  readonly shareable: boolean;
  /** A writable disk: copied into a new volume. */
  readonly copy: boolean;
  /** Our cloud-init seed (`<vm>-cidata.iso`): replaced by a fresh one. */
  readonly seed: boolean;
}

export interface CloneFacts {
  readonly name: string;
  readonly uuid: string;
  readonly disks: readonly CloneSourceDisk[];
  readonly nvram: string | null;
  /** An emulated TPM, whose state libvirt keeps per domain UUID. */
  readonly tpm: boolean;
  readonly nics: number;
  /** Why this domain cannot be cloned (a writable disk QHCI cannot copy), or null. */
  readonly refusal: string | null;
}

export interface CloneXmlPlan {
  readonly name: string;
  readonly uuid: string;
  readonly description?: string;
  /** The clone's inventory id (our `<metadata>`), when the source has ours. */
  readonly vmId?: string;
  /** One per `<interface>` that has a `<mac>`, in document order. */
  readonly macs: readonly string[];
  /** Copied disks: target → the new volume's path. */
  readonly disks: Readonly<Record<string, string>>;
  /** The fresh seed's path; a source seed without one is left out of the clone. */
  readonly seedPath: string | null;
  readonly nvram: string | null;
  /** CD-ROMs (targets) whose medium the clone's host lacks (a clone on another host): left empty. */
  readonly eject?: readonly string[];
}

const DISK_RE = /<disk(?=[\s>])[\s\S]*?<\/disk>/g;

/** [start, end) of the domain's `<metadata>` element, or null. */
function metadataRange(xml: string): { start: number; end: number } | null {
  const start = xml.search(/<metadata[\s>]/);
  const close = xml.indexOf('</metadata>');
  return start < 0 || close < 0 ? null : { start, end: close + '</metadata>'.length };
}

/** The `<disk>` blocks outside `<metadata>`, with their offsets. */
function diskBlocks(xml: string): { start: number; end: number; text: string }[] {
  const meta = metadataRange(xml);
  const out: { start: number; end: number; text: string }[] = [];
  for (const m of xml.matchAll(DISK_RE)) {
    if (meta && m.index > meta.start && m.index < meta.end) continue;
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function diskFacts(block: string, vmName: string): CloneSourceDisk & { kind: string } {
  const disk = node(parseXml(block), 'disk') ?? {};
  const kind = text(disk, '@type') ?? 'file';
  const device = text(disk, '@device') ?? 'disk';
  const src = node(disk, 'source');
  const source = text(src, '@file') ?? text(src, '@dev') ?? null;
  const readonly = 'readonly' in disk;
  const shareable = 'shareable' in disk;
  const seed = device === 'cdrom' && source !== null && baseName(source) === `${vmName}-cidata.iso`;
  const copy = (device === 'disk' || device === 'lun') && !readonly && !shareable;
  const format = text(node(disk, 'driver'), '@type') ?? 'raw';
  return {
    kind,
    format,
    target: text(node(disk, 'target'), '@dev') ?? '',
    device,
    source,
    readonly,
    shareable,
    copy,
    seed,
  };
}

/** The formats a copied disk may have: qemu-img reads it as declared, never by probing. */
const COPY_FORMATS = new Set(['raw', 'qcow2']);

function refusalOf(disks: readonly (CloneSourceDisk & { kind: string })[]): string | null {
  const odd = disks.find((d) => d.copy && (!d.source || (d.kind !== 'file' && d.kind !== 'block')));
  if (odd) {
    return (
      `Disk ${odd.target} is a ${odd.kind} disk${odd.source ? '' : ' without a file'}; ` +
      'QHCI clones only file and block disks'
    );
  }
  const format = disks.find((d) => d.copy && !COPY_FORMATS.has(d.format));
  return format ? `Disk ${format.target} is ${format.format}; QHCI clones only raw and qcow2 disks` : null;
}

/** What a clone of this domain copies, and why it cannot be cloned when it cannot. */
export function cloneFacts(xml: string): CloneFacts {
  const dom = node(parseXml(xml), 'domain') ?? {};
  const name = text(dom, 'name') ?? '';
  const all = diskBlocks(xml).map((b) => diskFacts(b.text, name));
  const tpm = /<tpm[\s>][\s\S]*?<backend[^>]*type=["']emulator["']/.test(xml);
  return {
    name,
    uuid: text(dom, 'uuid') ?? '',
    disks: all.map(({ kind: _k, ...d }) => d),
    nvram: text(node(dom, 'os'), 'nvram') ?? null,
    tpm,
    nics: (xml.match(/<interface(?=[\s>])[\s\S]*?<mac\s+address=/g) ?? []).length,
    refusal: refusalOf(all),
  };
}

/** A locally administered QEMU MAC (52:54:00:…) from three random bytes. */
export function macFrom(bytes: Uint8Array): string {
  const hex = [...bytes.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0'));
  if (hex.length !== 3) throw new Error('A MAC needs three random bytes');
  return `52:54:00:${hex.join(':')}`;
}

/** A copied disk: a qcow2 file at `path`, no backing chain. */
function copiedDisk(block: string, path: string): string {
  let b = block.replace(/^<disk(\s[^>]*?)?\btype=(["'])[^"']*\2/, (m) =>
    m.replace(/\btype=(["'])[^"']*\1/, 'type="file"'),
  );
  b = /<driver\b[^>]*\btype=/.test(b)
    ? b.replace(/(<driver\b[^>]*?\btype=)(["'])[^"']*\2/, '$1"qcow2"')
    : b.replace(/<driver\b/, '<driver type="qcow2"');
  const first = b.indexOf('<backingStore');
  if (first >= 0) {
    const close = b.lastIndexOf('</backingStore>');
    const end = close >= 0 ? close + '</backingStore>'.length : b.indexOf('/>', first) + 2;
    b = b.slice(0, first).replace(/\s+$/, '') + b.slice(end);
  }
  return b.replace(
    /<source\b[^>]*?(?:\/>|>[\s\S]*?<\/source>)/,
    () => `<source file="${escapeAttr(path)}"/>`,
  );
}

function withDisks(xml: string, plan: CloneXmlPlan): string {
  const name = cloneFacts(xml).name;
  let out = '';
  let at = 0;
  for (const b of diskBlocks(xml)) {
    const d = diskFacts(b.text, name);
    let next = b.text;
    if (d.copy) {
      const path = plan.disks[d.target];
      if (!path) throw new Error(`No new volume for disk ${d.target}`);
      next = copiedDisk(b.text, path);
    } else if (d.seed) {
      next = plan.seedPath
        ? b.text.replace(
            /(<source\b[^>]*?\bfile=)(["'])[^"']*\2/,
            (_m, head: string) => `${head}"${escapeAttr(plan.seedPath!)}"`,
          )
        : '';
    } else if (d.device === 'cdrom' && plan.eject?.includes(d.target)) {
      next = b.text.replace(/\s*<source\b[^>]*?(?:\/>|>[\s\S]*?<\/source>)/, '');
    }
    out += xml.slice(at, b.start) + next;
    at = b.end;
  }
  return out + xml.slice(at);
}

function withMetadata(xml: string, plan: CloneXmlPlan): string {
  const meta = metadataRange(xml);
  if (!meta || plan.vmId === undefined) return xml;
  const block = xml.slice(meta.start, meta.end);
  const ns = QHCI_VM_XMLNS.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const prefix = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)=["']${ns}["']`).exec(block)?.[1];
  if (!prefix) return xml;
  const id = new RegExp(`(<${prefix}:id>)[^<]*(</${prefix}:id>)`);
  return (
    xml.slice(0, meta.start) +
    block.replace(id, (_m, a: string, b: string) => `${a}${plan.vmId}${b}`) +
    xml.slice(meta.end)
  );
}

function withIdentity(xml: string, plan: CloneXmlPlan): string {
  let out = xml.replace(/<name>[^<]*<\/name>/, `<name>${plan.name}</name>`);
  out = out.replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${plan.uuid}</uuid>`);
  out = out.replace(/<sysinfo\b[\s\S]*?<\/sysinfo>/, (s) =>
    s.replace(/(<entry\s+name=(["'])uuid\2\s*>)[^<]*(<\/entry>)/, `$1${plan.uuid}$3`),
  );
  if (plan.description !== undefined) {
    const desc = `<description>${escapeText(plan.description)}</description>`;
    out = /<description>[\s\S]*?<\/description>|<description\s*\/>/.test(out)
      ? out.replace(/<description>[\s\S]*?<\/description>|<description\s*\/>/, () => desc)
      : out.replace(/(<uuid>[^<]*<\/uuid>)/, (u) => `${u}\n  ${desc}`);
  }
  return out;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

function withDevices(xml: string, plan: CloneXmlPlan): string {
  let mac = 0;
  let out = xml.replace(/<interface(?=[\s>])[\s\S]*?<\/interface>/g, (block) =>
    block.replace(/(<mac\s+address=)(["'])[^"']*\2/, (_m, head: string) => {
      const next = plan.macs[mac++];
      if (!next) throw new Error('Not enough MACs for the interfaces');
      return `${head}"${next}"`;
    }),
  );
  out = out.replace(/<graphics\b[^>]*>/g, (tag) =>
    tag
      .replace(/\s(?:port|tlsPort|websocket)=(["'])[^"']*\1/g, '')
      .replace(/\sautoport=(["'])[^"']*\1/, '')
      .replace(/^<graphics\b/, '<graphics autoport="yes"'),
  );
  if (plan.nvram !== null) {
    out = out.replace(
      /(<nvram\b[^>]*>)[^<]*(<\/nvram>)/,
      (_m, a: string, b: string) => `${a}${escapeText(plan.nvram!)}${b}`,
    );
  }
  return out;
}

/** The clone's domain XML. */
export function cloneDomainXml(sourceXml: string, plan: CloneXmlPlan): string {
  return withDevices(withIdentity(withMetadata(withDisks(sourceXml, plan), plan), plan), plan);
}
