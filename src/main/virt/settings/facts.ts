/** What the document holds: its disks, NICs and head (name, vCPUs, memory), read for the planners. */
import { bytes, node, parseXml, text } from '../xml';
import { type Block, deviceBlocks, startTagOf } from './xml-edit';

export interface DiskFacts extends Block {
  readonly type: string;
  readonly device: string;
  readonly target: string;
  readonly bus: string | null;
  readonly path: string | null;
  readonly bootOrder: number | null;
}

export function disksOf(doc: string): DiskFacts[] {
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
export function bootDisk(doc: string): DiskFacts | undefined {
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

export function headOf(doc: string): Head {
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

export function diskNamed(doc: string, target: string): DiskFacts | undefined {
  return disksOf(doc).find((d) => d.target === target);
}

export function nicNamed(doc: string, mac: string): NicFacts | undefined {
  return nicsOf(doc).find((n) => n.mac === mac);
}
