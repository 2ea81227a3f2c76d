/**
 * Reads what the preflight judges, from both hosts: the VM's definition and state, its snapshots, each
 * file of its disks' chains (qemu-img on the source), what lies at the same paths on the destination (with
 * SHA-256 compared only where a file is already there), both hypervisors' versions and machine types, the
 * destination's names and pools, and the source CPU against the destination's.
 */
import type { HostSummary } from '../../../shared/domain/host';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { BatchResult } from '../../hosts/virsh';
import { migrationNeeds, type MigrationNeeds } from '../../virt/migration/needs';
import type { FileFacts, HostMigrationFacts, PreflightInput } from '../../virt/migration/preflight';
import type { HostOps } from '../host-ops';

interface ImageInfo {
  readonly filename: string;
  readonly 'virtual-size'?: number;
  readonly 'actual-size'?: number;
  readonly 'backing-filename'?: string;
  readonly 'full-backing-filename'?: string;
}

const out = (r: BatchResult | undefined) => (r?.ok ? r.out : null);

/** "Using library: libvirt 9.0.0" / "Running hypervisor: QEMU 7.2.22" → 9000000 / 7002022. */
export function parseVersions(text: string): { libvirt: number | null; qemu: number | null } {
  const num = (m: RegExpExecArray | null) =>
    m ? Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3] ?? 0) : null;
  return {
    libvirt: num(/Using library: libvirt (\d+)\.(\d+)(?:\.(\d+))?/.exec(text)),
    qemu: num(/Running hypervisor: QEMU (\d+)\.(\d+)(?:\.(\d+))?/.exec(text)),
  };
}

/** Machine types (and their canonical names) the capabilities list for an architecture. */
export function parseMachines(capabilities: string, arch: string | null): string[] {
  const names = new Set<string>();
  for (const g of capabilities.split('<guest>').slice(1)) {
    if (arch !== null && !new RegExp(`<arch name=["']${arch}["']`).test(g)) continue;
    for (const m of g.matchAll(
      /<machine(?:\s[^>]*?)?(?:\scanonical=["']([^"']+)["'])?[^>]*>([^<]+)<\/machine>/g,
    )) {
      names.add(m[2]!.trim());
      if (m[1]) names.add(m[1]);
    }
  }
  return [...names];
}

export function parseCpuCompare(text: string): PreflightInput['cpuCompare'] {
  if (/identical/i.test(text)) return 'identical';
  if (/superset/i.test(text)) return 'superset';
  if (/incompatible/i.test(text)) return 'incompatible';
  return null;
}

async function hostFacts(ops: HostOps, name: string, arch: string | null) {
  const [version, caps] = await ops.batch([['version'], ['capabilities']]);
  const v = parseVersions(out(version) ?? '');
  const facts: HostMigrationFacts = {
    name,
    libvirtVersion: v.libvirt,
    qemuVersion: v.qemu,
    machines: parseMachines(out(caps) ?? '', arch),
  };
  return facts;
}

/** qemu-img's view of a file and its backing chain; null when there is no such file. */
async function chain(ops: HostOps, path: string): Promise<ImageInfo[] | null> {
  const r = await ops.driver.exec(['qemu-img', 'info', '-U', '--backing-chain', '--output=json', '--', path]);
  if (r.code !== 0) return null;
  const parsed = JSON.parse(r.stdout) as ImageInfo | ImageInfo[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

const factsOf = (i: ImageInfo): FileFacts => ({
  sizeBytes: i['virtual-size'] ?? 0,
  allocationBytes: i['actual-size'] ?? 0,
  backing: i['full-backing-filename'] ?? i['backing-filename'] ?? null,
});

async function fileSize(ops: HostOps, path: string): Promise<number | null> {
  const r = await ops.driver.exec(['stat', '-c', '%s', '--', path]);
  return r.code === 0 ? Number(r.stdout.trim()) : null;
}

/** Every file of the VM's disks on the source: chains for disks, the file alone for CD-ROMs; NVRAM. */
async function sourceFiles(ops: HostOps, vm: MigrationNeeds): Promise<Map<string, FileFacts>> {
  const files = new Map<string, FileFacts>();
  for (const d of vm.disks) {
    for (const info of (await chain(ops, d.path)) ?? []) {
      if (!files.has(info.filename)) files.set(info.filename, factsOf(info));
      if (d.device === 'cdrom' || d.readonly) break;
    }
  }
  if (vm.nvram !== null) {
    const size = await fileSize(ops, vm.nvram);
    if (size !== null) files.set(vm.nvram, { sizeBytes: size, allocationBytes: size, backing: null });
  }
  return files;
}

/**
 * SHA-256 of a file, remembered by host, path, size and modification time: a base checked once is not
 * read again (whole) for the next VM that stands on it, until it changes.
 */
const sums = new Map<string, string>();
const MAX_SUMS = 4096;

async function sha256Of(ops: HostOps, hostId: string, path: string): Promise<string> {
  const st = await ops.driver.exec(['stat', '-L', '-c', '%s %Y %i', '--', path]);
  const key = st.code === 0 ? `${hostId}\u0000${path}\u0000${st.stdout.trim()}` : null;
  const known = key === null ? undefined : sums.get(key);
  if (known !== undefined) return known;
  const sum = await ops.sha256(path);
  if (key !== null) {
    if (sums.size >= MAX_SUMS) sums.delete(sums.keys().next().value!);
    sums.set(key, sum);
  }
  return sum;
}

export interface ReadFacts {
  readonly input: Omit<PreflightInput, 'transport' | 'reachable'>;
  /** The definition the migration uses: the live one of a running VM, else the inactive one. */
  readonly xml: string;
  readonly inactiveXml: string;
}

export async function readFacts(
  src: { ops: HostOps; host: HostSummary },
  dest: { ops: HostOps; host: HostSummary },
  uuid: string,
  inventory: HostInventoryRepo,
): Promise<ReadFacts> {
  const [state, live, inactive, snaps] = await src.ops.batch([
    ['domstate', '--domain', uuid],
    ['dumpxml', '--domain', uuid],
    ['dumpxml', '--domain', uuid, '--inactive'],
    ['snapshot-list', '--domain', uuid, '--name'],
  ]);
  const running = (out(state) ?? '').trim() === 'running';
  const xml = (running ? out(live) : out(inactive)) ?? '';
  const vm = migrationNeeds(xml);
  const [source, destination, files] = await Promise.all([
    hostFacts(src.ops, src.host.name, vm.arch),
    hostFacts(dest.ops, dest.host.name, vm.arch),
    sourceFiles(src.ops, vm),
  ]);
  const destFiles = new Map<string, FileFacts | null>();
  for (const [path, f] of files) {
    if (path === vm.nvram) continue;
    const there = await chain(dest.ops, path);
    if (!there?.[0]) {
      destFiles.set(path, null);
      continue;
    }
    // A file is already there: compare the two by SHA-256 (bases and ISOs; a disk's own file is refused
    // anyway as "different" unless equal).
    const [a, b] = await Promise.all([
      sha256Of(src.ops, src.host.id, path),
      sha256Of(dest.ops, dest.host.id, path),
    ]);
    files.set(path, { ...f, sha256: a });
    destFiles.set(path, { ...factsOf(there[0]), sha256: b });
  }
  const [byName, byUuid] = await dest.ops.batch([
    ['domuuid', '--domain', vm.name],
    ['domname', '--domain', uuid],
  ]);
  const compare = running ? await compareCpu(src.ops, dest.ops, vm, xml) : null;
  return {
    xml,
    inactiveXml: out(inactive) ?? xml,
    input: {
      vm,
      running,
      snapshots: (out(snaps) ?? '').split('\n').filter((l) => l.trim() !== '').length,
      source,
      dest: destination,
      sourceFiles: files,
      destFiles,
      destPools: inventory
        .pools(dest.host.id)
        .filter((p) => p.path !== null && p.state === 'running')
        .map((p) => ({ name: p.name, path: p.path!, availableBytes: p.availableBytes ?? 0 })),
      destTaken: { name: byName?.ok === true, uuid: byUuid?.ok === true },
      cpuCompare: compare,
    },
  };
}

/**
 * The CPU the VM runs with against the destination's hypervisor, for the VM's own domain type, architecture
 * and machine: a host-passthrough VM has the source's host-model CPU (domcapabilities; the raw host CPU of
 * `capabilities` lists features no hypervisor offers), any other VM its own live definition.
 */
async function compareCpu(
  src: HostOps,
  dest: HostOps,
  vm: MigrationNeeds,
  liveXml: string,
): Promise<PreflightInput['cpuCompare']> {
  const type = /<domain\b[^>]*\btype=["'](\w+)["']/.exec(liveXml)?.[1] ?? 'kvm';
  const target = [
    '--virttype',
    type,
    ...(vm.arch ? ['--arch', vm.arch] : []),
    ...(vm.machine ? ['--machine', vm.machine] : []),
  ];
  try {
    const cpuXml = vm.cpu.startsWith('host-passthrough')
      ? await src.driver.virsh(['domcapabilities', ...target])
      : liveXml;
    const text = await dest.withHostFile(cpuXml, (file) =>
      dest.driver.virsh(['hypervisor-cpu-compare', '--file', file, ...target]),
    );
    return parseCpuCompare(text);
  } catch (err) {
    // virsh exits 1 when the CPUs are incompatible, with the verdict in its error text.
    return parseCpuCompare(String((err as Error).message));
  }
}
