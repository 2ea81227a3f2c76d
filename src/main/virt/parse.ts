/** Libvirt XML documents parsed into the inventory's plain types. Pure. */
import type {
  NodeFacts,
  DomainDisk,
  DomainInfo,
  DomainNic,
  Network,
  StoragePool,
  Volume,
  VolumeKind,
} from '../../shared/domain/host';
import { QHCI_VM_XMLNS } from './domain-xml';
import { graphicsDevices, isExposed, listenLabel } from './graphics';
import { bytes, node, nodes, parseXml, parseXmlFast, text, type XmlNode } from './xml';

function diskSource(disk: XmlNode): string | null {
  const src = node(disk, 'source');
  if (!src) return null;
  const pool = text(src, '@pool');
  const volume = text(src, '@volume');
  if (pool && volume) return `${pool}/${volume}`;
  return text(src, '@file') ?? text(src, '@dev') ?? text(src, '@name') ?? null;
}

function backingChain(disk: XmlNode): string[] {
  const chain: string[] = [];
  let bs = node(disk, 'backingStore');
  while (bs && chain.length < 64) {
    const src = diskSource(bs);
    if (src === null) break;
    chain.push(src);
    bs = node(bs, 'backingStore');
  }
  return chain;
}

export function parseDomainXml(xml: string): DomainInfo {
  const dom = node(parseXmlFast(xml), 'domain');
  if (!dom) throw new Error('Not a domain document');
  const devices = node(dom, 'devices');
  const disks: DomainDisk[] = nodes(devices, 'disk').map((d) => ({
    device: (text(d, '@device') ?? 'disk') as DomainDisk['device'],
    target: text(node(d, 'target'), '@dev') ?? '',
    bus: text(node(d, 'target'), '@bus') ?? null,
    source: diskSource(d),
    format: text(node(d, 'driver'), '@type') ?? null,
    backingChain: backingChain(d),
  }));
  const nics: DomainNic[] = nodes(devices, 'interface').map((i) => {
    const src = node(i, 'source');
    return {
      type: text(i, '@type') ?? 'unknown',
      source: text(src, '@network') ?? text(src, '@bridge') ?? text(src, '@dev') ?? null,
      mac: text(node(i, 'mac'), '@address') ?? null,
      model: text(node(i, 'model'), '@type') ?? null,
    };
  });
  const graphics = graphicsDevices(devices).map((g) => ({
    type: g.type,
    port: g.port,
    listen: listenLabel(g),
    exposed: isExposed(g),
  }));
  return {
    uuid: text(dom, 'uuid') ?? '',
    name: text(dom, 'name') ?? '',
    type: text(dom, '@type') ?? 'unknown',
    vcpus: Number(text(dom, 'vcpu') ?? 0),
    memoryBytes: bytes(dom.memory, 'KiB'),
    disks,
    nics,
    graphics,
  };
}

export function parsePoolXml(xml: string, state: StoragePool['state']): StoragePool {
  const pool = node(parseXmlFast(xml), 'pool');
  if (!pool) throw new Error('Not a storage pool document');
  return {
    name: text(pool, 'name') ?? '',
    uuid: text(pool, 'uuid') ?? '',
    type: text(pool, '@type') ?? 'unknown',
    path: text(node(pool, 'target'), 'path') ?? null,
    state,
    capacityBytes: bytes(pool.capacity),
    allocationBytes: bytes(pool.allocation),
    availableBytes: bytes(pool.available),
  };
}

export function parseVolumeXml(xml: string, pool: string): Omit<Volume, 'kind'> {
  const vol = node(parseXmlFast(xml), 'volume');
  if (!vol) throw new Error('Not a storage volume document');
  const target = node(vol, 'target');
  const backing = node(vol, 'backingStore');
  return {
    pool,
    name: text(vol, 'name') ?? '',
    path: text(target, 'path') ?? text(vol, 'key') ?? '',
    format: text(node(target, 'format'), '@type') ?? null,
    capacityBytes: bytes(vol.capacity),
    allocationBytes: bytes(vol.allocation),
    backingPath: text(backing, 'path') ?? null,
  };
}

/**
 * What a volume is for: an ISO; a VM disk (an overlay, or attached to a domain); or a cloud image
 * (a qcow2/raw base image that is no domain's disk). Other formats count as disks.
 */
export function classifyVolume(
  vol: Omit<Volume, 'kind'>,
  ctx: { attachedPaths: ReadonlySet<string>; backingPaths: ReadonlySet<string> },
): VolumeKind {
  const lower = vol.name.toLowerCase();
  if (vol.format === 'iso' || lower.endsWith('.iso')) return 'iso';
  if (ctx.backingPaths.has(vol.path)) return 'cloud-image';
  if (vol.backingPath !== null || ctx.attachedPaths.has(vol.path)) return 'disk';
  if (vol.format === 'qcow2' || vol.format === 'raw' || lower.endsWith('.img')) {
    return /cloud|generic|\.img$|base|template|image/.test(lower) ? 'cloud-image' : 'disk';
  }
  return 'disk';
}

export function parseNetworkXml(xml: string, active: boolean): Network {
  const net = node(parseXmlFast(xml), 'network');
  if (!net) throw new Error('Not a network document');
  const forward = node(net, 'forward');
  const hasForward = forward !== undefined || typeof net.forward === 'string';
  return {
    name: text(net, 'name') ?? '',
    uuid: text(net, 'uuid') ?? '',
    forward: hasForward ? (text(forward, '@mode') ?? 'nat') : null,
    bridge: text(node(net, 'bridge'), '@name') ?? null,
    active,
  };
}

export interface HypervisorCaps {
  readonly domainType: 'kvm' | 'qemu';
  readonly uefiAvailable: boolean;
  readonly tpmAvailable: boolean;
  /** Named CPU models the host can run as they are (custom mode, usable='yes'). */
  readonly cpuModels: readonly string[];
  /**
   * The Hyper-V enlightenments the hypervisor offers (`features/hyperv`, libvirt 9.0 and later): [] when it
   * offers none; null when the document does not say (an older libvirt), where all are assumed.
   */
  readonly hypervFeatures: readonly string[] | null;
}

/**
 * From `virsh domcapabilities` (default virt type) and whether `domcapabilities --virttype kvm` succeeded:
 * kvm only when the accelerator really works.
 */
export function parseDomainCapabilities(xml: string, kvmUsable: boolean): HypervisorCaps {
  const caps = node(parseXml(xml), 'domainCapabilities');
  if (!caps) throw new Error('Not a domain capabilities document');
  const os = node(caps, 'os');
  const firmware = nodes(os, 'enum').find((e) => text(e, '@name') === 'firmware');
  const values = (e: XmlNode | undefined) => {
    const v = e?.value;
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  };
  const loader = node(os, 'loader');
  const loaderPaths = values(loader);
  const uefi = values(firmware).includes('efi') || loaderPaths.some((p) => /OVMF|edk2|AAVMF/i.test(p));
  // A guest TPM needs the emulator backend (swtpm); a host offering only passthrough (its own TPM chip,
  // one guest at a time) cannot give each VM one.
  const tpm = node(node(caps, 'devices'), 'tpm');
  const backends = values(nodes(tpm, 'enum').find((e) => text(e, '@name') === 'backendModel'));
  const custom = nodes(node(caps, 'cpu'), 'mode').find((m) => text(m, '@name') === 'custom');
  const cpuModels =
    text(custom, '@supported') === 'yes'
      ? nodes(custom, 'model')
          .filter((m) => text(m, '@usable') === 'yes')
          .map((m) => text(m, '#text') ?? '')
          .filter((name) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
      : [];
  const hyperv = node(node(caps, 'features'), 'hyperv');
  const hypervFeatures =
    hyperv === undefined
      ? null
      : text(hyperv, '@supported') === 'yes'
        ? values(nodes(hyperv, 'enum').find((e) => text(e, '@name') === 'features')).filter((f) =>
            /^[a-z][a-z0-9_]{0,31}$/.test(f),
          )
        : [];
  return {
    domainType: kvmUsable && text(caps, 'domain') === 'kvm' ? 'kvm' : 'qemu',
    uefiAvailable: uefi,
    tpmAvailable: text(tpm, '@supported') === 'yes' && backends.includes('emulator'),
    cpuModels,
    hypervFeatures,
  };
}

/** `virsh nodeinfo` text: CPU and memory figures by label. */
export function parseNodeinfo(text: string): {
  arch: string;
  cpus: number;
  mhz: number;
  sockets: number;
  cores: number;
  threads: number;
  memoryBytes: number;
} {
  const field = (label: string) => {
    const m = new RegExp(`^${label.replace(/[()]/g, '\\$&')}:\\s*(.*)$`, 'm').exec(text);
    return m ? m[1]!.trim() : '';
  };
  const int = (label: string) => Number.parseInt(field(label), 10) || 0;
  const mem = /^(\d+)\s*KiB/.exec(field('Memory size'));
  return {
    arch: field('CPU model'),
    cpus: int('CPU(s)'),
    mhz: int('CPU frequency'),
    sockets: int('CPU socket(s)'),
    cores: int('Core(s) per socket'),
    threads: int('Thread(s) per core'),
    memoryBytes: mem ? Number(mem[1]) * 1024 : 0,
  };
}

/** The host CPU model from `virsh capabilities` (for example "EPYC-Rome"), or its architecture. */
export function parseHostCpuModel(capabilitiesXml: string): string {
  try {
    const cpu = node(node(node(parseXml(capabilitiesXml), 'capabilities'), 'host'), 'cpu');
    const model = text(cpu, 'model');
    const vendor = text(cpu, 'vendor');
    const arch = text(cpu, 'arch') ?? '';
    return [vendor, model].filter(Boolean).join(' ') || arch;
  } catch {
    return '';
  }
}

/** Node facts from the raw texts a sync reads. */
export function nodeFacts(raw: {
  nodeinfo: string;
  capabilitiesXml: string;
  domcapsXml: string;
  kvmUsable: boolean;
  hostname: string;
  libvirtVersion: string;
}): NodeFacts {
  const n = parseNodeinfo(raw.nodeinfo);
  const caps: HypervisorCaps = raw.domcapsXml
    ? parseDomainCapabilities(raw.domcapsXml, raw.kvmUsable)
    : { domainType: 'qemu', uefiAvailable: false, tpmAvailable: false, cpuModels: [], hypervFeatures: null };
  const version = /Running against daemon:\s*(\S+)/.exec(raw.libvirtVersion)?.[1] ?? '';
  return {
    cpuModel: parseHostCpuModel(raw.capabilitiesXml) || n.arch,
    cpus: n.cpus,
    sockets: n.sockets,
    cores: n.cores,
    threads: n.threads,
    mhz: n.mhz,
    memoryBytes: n.memoryBytes,
    hostname: raw.hostname,
    domainType: caps.domainType,
    uefiAvailable: caps.uefiAvailable,
    tpmAvailable: caps.tpmAvailable,
    libvirtVersion: version,
    cpuModels: caps.cpuModels,
    ...(caps.hypervFeatures !== null ? { hypervFeatures: caps.hypervFeatures } : {}),
  };
}

export interface DomainMetadata {
  readonly vmId: string;
  readonly projectId: string;
}

/**
 * Our ids from a domain's `<metadata>` (written by buildDomainXml), found by namespace rather than prefix, since
 * other tools may have rewritten the prefix. null when the domain is not ours or the document is not a domain.
 */
export function parseDomainMetadata(xml: string): DomainMetadata | null {
  let dom: XmlNode | undefined;
  try {
    dom = node(parseXml(xml), 'domain');
  } catch {
    return null;
  }
  const meta = node(dom, 'metadata');
  if (!meta) return null;
  for (const [key, value] of Object.entries(meta)) {
    const colon = key.indexOf(':');
    const prefix = colon < 0 ? '' : key.slice(0, colon);
    if (key.slice(colon + 1) !== 'vm') continue;
    for (const vm of Array.isArray(value) ? value : [value]) {
      if (text(vm, prefix ? `@xmlns:${prefix}` : '@xmlns') !== QHCI_VM_XMLNS) continue;
      const q = (local: string) => (prefix ? `${prefix}:${local}` : local);
      const vmId = text(vm, q('id'));
      const projectId = text(vm, q('project'));
      if (vmId && projectId) return { vmId, projectId };
    }
  }
  return null;
}
