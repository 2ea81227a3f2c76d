/**
 * Libvirt domain XML from a plan. Pure: the document is a plain object in libvirt's element order, serialised by
 * fast-xml-parser's XMLBuilder, which escapes every text and attribute value. The same plan always gives the same
 * bytes, so the golden files in ./golden pin the output.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { CpuVariant } from '../../shared/domain/cpu';
import type { GuestProfile } from '../../shared/domain/guest-profiles';

/** Our namespace in `<metadata>`; read back by `parseDomainMetadata` (parse.ts). */
export const QHCI_VM_XMLNS = 'https://qhci.dev/xmlns/vm/1';
export const QHCI_VM_PREFIX = 'qhci';

export type DiskBus = 'virtio' | 'sata' | 'scsi';

export interface DomainPlanDisk {
  path: string;
  format: 'qcow2' | 'raw';
  /** Defaults to the profile's disk bus. */
  bus?: DiskBus;
}

export interface DomainPlanCdrom {
  /** null: an empty tray. */
  path: string | null;
  purpose: 'installer' | 'seed';
}

export interface DomainPlanNic {
  network: string;
  model: string;
  mac?: string;
}

export type BootDevice = 'cdrom' | 'hd' | 'network';

export interface DomainPlan {
  /** Already validated: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/ */
  name: string;
  uuid: string;
  /** Free text; one line (line breaks become spaces, as libvirt refuses them in a title). */
  title?: string;
  /** Free text. */
  description?: string;
  /** From the host's domcapabilities. */
  domainType: 'kvm' | 'qemu';
  arch?: 'x86_64';
  /** The emulator binary; the element is left out (libvirt picks the default) when absent. */
  emulator?: string;
  profile: GuestProfile;
  cpu: { sockets: number; cores: number };
  /** The `<cpu>` variant; omitted: host-passthrough under kvm, the default model under qemu (TCG). */
  cpuMode?: CpuVariant;
  memoryBytes: number;
  /** In order: targets vda, vdb… (virtio) and sda, sdb… (sata and scsi share the sd names). */
  disks: DomainPlanDisk[];
  /** Always SATA, named after the sata/scsi disks. */
  cdroms: DomainPlanCdrom[];
  nics: DomainPlanNic[];
  boot: BootDevice[];
  /** uefi: OVMF, with secure boot and enrolled keys asked for by name where the profile needs them. */
  firmware: 'bios' | 'uefi';
  tpm: boolean;
  /**
   * The Hyper-V enlightenments the host offers (domcapabilities' `features/hyperv` list); Windows under kvm
   * gets only those of its set. Omitted: the host did not say, and it gets the whole set.
   */
  hyperv?: readonly string[];
  metadata: { vmId: string; projectId: string; createdBy?: string };
}

type El = Record<string, unknown>;

/** Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F]/;

/** Free text for an element: unrepresentable characters dropped, CR/CRLF as LF (what any XML parser reads back). */
function freeText(s: string): string {
  return s.replace(NOT_XML, '').replace(/\r\n?/g, '\n');
}

/** A title is one line for libvirt. */
function oneLine(s: string): string {
  return freeText(s).replace(/[\t\n]+/g, ' ');
}

/**
 * A value for an attribute (paths, network names): XML parsers turn tabs and line breaks in attributes into spaces,
 * so a value with control characters could not be read back as written; refuse it rather than change a path.
 */
function attr(what: string, value: string): string {
  if (value === '') throw new Error(`${what} is empty`);
  if (CONTROL.test(value) || value.replace(NOT_XML, '') !== value) {
    throw new Error(`${what} contains a control character: ${JSON.stringify(value)}`);
  }
  return value;
}

function positiveInt(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${n}`);
  return n;
}

/** libvirt's disk names: 0 → a, 25 → z, 26 → aa. */
export function diskTargetName(prefix: 'vd' | 'sd', index: number): string {
  let suffix = '';
  for (let i = index; i >= 0; i = Math.floor(i / 26) - 1)
    suffix = String.fromCharCode(97 + (i % 26)) + suffix;
  return prefix + suffix;
}

const hasVirtioDrivers = (p: GuestProfile) => p.diskBus === 'virtio';
const isLinux = (p: GuestProfile) => p.family === 'debian' || p.family === 'rhel' || p.family === 'linux';
const isWindows = (p: GuestProfile) => p.family === 'windows';

function metadata(plan: DomainPlan): El {
  const q = (local: string) => `${QHCI_VM_PREFIX}:${local}`;
  const vm: El = { [`@xmlns:${QHCI_VM_PREFIX}`]: QHCI_VM_XMLNS };
  vm[q('id')] = attr('metadata.vmId', plan.metadata.vmId);
  vm[q('project')] = attr('metadata.projectId', plan.metadata.projectId);
  if (plan.metadata.createdBy !== undefined) vm[q('created-by')] = freeText(plan.metadata.createdBy);
  vm[q('profile')] = plan.profile.id;
  return { [q('vm')]: vm };
}

function os(plan: DomainPlan): El {
  const el: El = {};
  if (plan.firmware === 'uefi') el['@firmware'] = 'efi';
  el.type = { '@arch': plan.arch ?? 'x86_64', '@machine': 'q35', '#text': 'hvm' };
  // Secure boot by name rather than by the order of the host's firmware descriptors (whose first one for q35
  // may or may not be a secure one). libvirt then turns SMM on itself, as the chosen descriptor requires it.
  if (plan.firmware === 'uefi' && plan.profile.secureBoot) {
    el.firmware = {
      feature: [
        { '@enabled': 'yes', '@name': 'secure-boot' },
        { '@enabled': 'yes', '@name': 'enrolled-keys' },
      ],
    };
  }
  if (plan.boot.length > 0) el.boot = plan.boot.map((dev) => ({ '@dev': dev }));
  return el;
}

/**
 * virt-install's Hyper-V set for Windows, in libvirt's order, each with what QEMU refuses to start without
 * (its dependencies). `time` is the hypervclock timer.
 */
const HYPERV_SET: readonly (readonly [string, readonly string[]])[] = [
  ['relaxed', []],
  ['vapic', []],
  ['spinlocks', []],
  ['vpindex', []],
  ['runtime', []],
  ['synic', ['vpindex']],
  ['stimer', ['synic', 'time']],
  ['frequencies', []],
  ['tlbflush', ['vpindex']],
  ['ipi', ['vpindex']],
];

/**
 * The enlightenments (and whether the hypervclock timer) a Windows guest gets under kvm: those of the set
 * the host offers, less those whose dependencies it does not. None under TCG, where they mean nothing.
 * domcapabilities names no feature for the clock (QEMU's hv-time): the kernel offers it in the same CPUID
 * word as the VP runtime MSR, so `runtime` stands for it. (A nested KVM that offers neither crashes QEMU
 * at start with the clock on.)
 */
function hypervPlan(plan: DomainPlan): { readonly features: readonly string[]; readonly clock: boolean } {
  if (!isWindows(plan.profile) || plan.domainType !== 'kvm') return { features: [], clock: false };
  const offered = (name: string) => plan.hyperv === undefined || plan.hyperv.includes(name);
  const on = new Set<string>();
  if (offered('runtime')) on.add('time');
  for (const [name, needs] of HYPERV_SET) {
    if (offered(name) && needs.every((n) => on.has(n))) on.add(name);
  }
  return { features: HYPERV_SET.map(([name]) => name).filter((n) => on.has(n)), clock: on.has('time') };
}

function hyperv(names: readonly string[]): El {
  const el: El = { '@mode': 'custom' };
  for (const name of names) {
    el[name] = name === 'spinlocks' ? { '@state': 'on', '@retries': '8191' } : { '@state': 'on' };
  }
  return el;
}

function features(plan: DomainPlan): El {
  const el: El = { acpi: '', apic: '' };
  const hv = hypervPlan(plan).features;
  if (hv.length > 0) el.hyperv = hyperv(hv);
  return el;
}

function cpu(plan: DomainPlan): El {
  const topology = {
    '@sockets': String(positiveInt('cpu.sockets', plan.cpu.sockets)),
    '@cores': String(positiveInt('cpu.cores', plan.cpu.cores)),
    '@threads': '1',
  };
  return cpuElement(plan.cpuMode ?? (plan.domainType === 'kvm' ? 'host-passthrough' : 'default'), topology);
}

/** A `<cpu>` element for a variant, around a topology (libvirt's order: model, topology, feature). */
export function cpuElement(variant: CpuVariant, topology: El): El {
  switch (variant) {
    case 'default':
      // The hypervisor's default model: only the topology (under TCG there is no host CPU to pass through).
      return { topology };
    case 'host-passthrough':
      return { '@mode': 'host-passthrough', '@check': 'none', '@migratable': 'on', topology };
    case 'host-passthrough-compat':
      // Nested KVM on some hosts refuses MSR 0x10a (IA32_ARCH_CAPABILITIES): everything else passes through.
      return {
        '@mode': 'host-passthrough',
        '@check': 'none',
        '@migratable': 'on',
        topology,
        feature: { '@policy': 'disable', '@name': 'arch-capabilities' },
      };
    case 'host-model':
      return { '@mode': 'host-model', '@check': 'partial', topology };
    default: {
      const name = variant.slice('model:'.length);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new Error(`Not a CPU model name: ${name}`);
      return {
        '@mode': 'custom',
        '@match': 'exact',
        '@check': 'partial',
        model: { '@fallback': 'forbid', '#text': name },
        topology,
      };
    }
  }
}

function clock(plan: DomainPlan): El {
  const timer: El[] = [
    { '@name': 'rtc', '@tickpolicy': 'catchup' },
    { '@name': 'pit', '@tickpolicy': 'delay' },
    { '@name': 'hpet', '@present': 'no' },
  ];
  if (hypervPlan(plan).clock) timer.push({ '@name': 'hypervclock', '@present': 'yes' });
  return { '@offset': plan.profile.clock, timer };
}

/** Empty PCIe root ports left for devices added while the VM runs (QEMU adds none to a running VM). */
export const SPARE_PCIE_ROOT_PORTS = 4;

/**
 * The q35 machine's PCIe root and its root ports: one for each device libvirt puts behind a port (virtio
 * disks, the SCSI and USB controllers, NICs, the virtio-serial of the agent channel, the balloon, the RNG),
 * plus the spare ones. libvirt gives unaddressed ports to the devices first and adds none beyond what they
 * take, so the spares are only there if they are counted in.
 */
function pcieRootPorts(plan: DomainPlan, virtioDisks: number): El[] {
  const { profile } = plan;
  const taken =
    virtioDisks +
    (plan.disks.some((d) => d.bus === 'scsi') ? 1 : 0) +
    1 + // qemu-xhci
    plan.nics.length +
    1 + // virtio-serial, for the guest agent's channel
    (hasVirtioDrivers(profile) ? 1 : 0) + // the balloon
    (isLinux(profile) ? 1 : 0); // the RNG
  const ports = Array.from({ length: taken + SPARE_PCIE_ROOT_PORTS }, (_, i) => ({
    '@type': 'pci',
    '@index': String(i + 1),
    '@model': 'pcie-root-port',
  }));
  return [{ '@type': 'pci', '@index': '0', '@model': 'pcie-root' }, ...ports];
}

function devices(plan: DomainPlan): El {
  const { profile } = plan;
  let vd = 0;
  let sd = 0;
  const disk: El[] = plan.disks.map((d, i) => {
    const bus = d.bus ?? profile.diskBus;
    const dev = bus === 'virtio' ? diskTargetName('vd', vd++) : diskTargetName('sd', sd++);
    return {
      '@type': 'file',
      '@device': 'disk',
      driver: { '@name': 'qemu', '@type': d.format, ...(bus === 'virtio' ? { '@discard': 'unmap' } : {}) },
      source: { '@file': attr(`disks[${i}].path`, d.path) },
      target: { '@dev': dev, '@bus': bus },
    };
  });
  plan.cdroms.forEach((c, i) => {
    disk.push({
      '@type': 'file',
      '@device': 'cdrom',
      driver: { '@name': 'qemu', '@type': 'raw' },
      ...(c.path === null ? {} : { source: { '@file': attr(`cdroms[${i}].path`, c.path) } }),
      target: { '@dev': diskTargetName('sd', sd++), '@bus': 'sata' },
      readonly: '',
    });
  });

  const controller: El[] = [];
  if (plan.disks.some((d) => d.bus === 'scsi'))
    controller.push({ '@type': 'scsi', '@index': '0', '@model': 'virtio-scsi' });
  controller.push({ '@type': 'usb', '@index': '0', '@model': 'qemu-xhci', '@ports': '15' });
  controller.push(...pcieRootPorts(plan, vd));

  const iface: El[] = plan.nics.map((n, i) => ({
    '@type': 'network',
    ...(n.mac === undefined ? {} : { mac: { '@address': attr(`nics[${i}].mac`, n.mac) } }),
    source: { '@network': attr(`nics[${i}].network`, n.network) },
    model: { '@type': attr(`nics[${i}].model`, n.model) },
  }));

  const el: El = {};
  if (plan.emulator !== undefined) el.emulator = attr('emulator', plan.emulator);
  if (disk.length > 0) el.disk = disk;
  el.controller = controller;
  if (iface.length > 0) el.interface = iface;
  el.serial = {
    '@type': 'pty',
    target: { '@type': 'isa-serial', '@port': '0', model: { '@name': 'isa-serial' } },
  };
  el.console = { '@type': 'pty', target: { '@type': 'serial', '@port': '0' } };
  el.channel = { '@type': 'unix', target: { '@type': 'virtio', '@name': 'org.qemu.guest_agent.0' } };
  el.input = { '@type': 'tablet', '@bus': 'usb' };
  // Local only: the console reaches it through an SSH tunnel, never over the network.
  el.graphics = {
    '@type': 'vnc',
    '@port': '-1',
    '@autoport': 'yes',
    '@listen': '127.0.0.1',
    listen: { '@type': 'address', '@address': '127.0.0.1' },
  };
  el.video = { model: { '@type': profile.video, '@heads': '1', '@primary': 'yes' } };
  if (plan.tpm) el.tpm = { '@model': 'tpm-crb', backend: { '@type': 'emulator', '@version': '2.0' } };
  // Without an explicit 'none' libvirt adds a virtio balloon that a guest without virtio drivers cannot use.
  el.memballoon = { '@model': hasVirtioDrivers(profile) ? 'virtio' : 'none' };
  if (isLinux(profile))
    el.rng = { '@model': 'virtio', backend: { '@model': 'random', '#text': '/dev/urandom' } };
  return el;
}

/** The one XML writer of domain documents and their fragments (cpu-xml.ts). */
export const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** The domain document for a plan. Throws on a plan that no XML could carry (an empty or control-character path). */
export function buildDomainXml(plan: DomainPlan): string {
  const kib = Math.ceil(positiveInt('memoryBytes', plan.memoryBytes) / 1024);
  const vcpus = positiveInt('cpu.sockets', plan.cpu.sockets) * positiveInt('cpu.cores', plan.cpu.cores);
  const domain: El = { '@type': plan.domainType };
  domain.name = plan.name;
  domain.uuid = plan.uuid;
  const title = plan.title === undefined ? '' : oneLine(plan.title);
  if (title !== '') domain.title = title;
  const description = plan.description === undefined ? '' : freeText(plan.description);
  if (description !== '') domain.description = description;
  domain.metadata = metadata(plan);
  domain.memory = { '@unit': 'KiB', '#text': String(kib) };
  domain.currentMemory = { '@unit': 'KiB', '#text': String(kib) };
  domain.vcpu = { '@placement': 'static', '#text': String(vcpus) };
  domain.os = os(plan);
  domain.features = features(plan);
  domain.cpu = cpu(plan);
  domain.clock = clock(plan);
  domain.on_poweroff = 'destroy';
  domain.on_reboot = 'restart';
  domain.on_crash = 'destroy';
  domain.devices = devices(plan);
  return xmlBuilder.build({ domain }) as string;
}
