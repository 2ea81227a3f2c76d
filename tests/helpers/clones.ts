/**
 * A shut-off VM to clone on the testbed's qemu:///system: a qcow2 disk (an overlay on a base, so the clone
 * must copy the whole chain), an installer ISO and our seed (`<name>-cidata.iso`) as CD-ROMs, a NIC on the
 * default network, VNC; domain type qemu. The inventory learns of it by a host sync.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virsh } from './domains';
import { POOL, POOL_DIR } from './provision';

export interface CloneSource {
  readonly name: string;
  readonly uuid: string;
  readonly base: string;
  readonly disk: string;
  readonly iso: string;
  readonly seed: string;
  readonly nvram: string | null;
}

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/**
 * With `uefi`: OVMF pflash and an NVRAM file (made at the first start); with `tpm`: an emulated TPM 2.0;
 * with `hostile`: a disk declared raw whose bytes are a qcow2 header naming a host file as its backing (what
 * a guest can write into its raw disk), a trap for anything that probes formats.
 */
export function defineCloneSource(
  opts: { uefi?: boolean; tpm?: boolean; hostile?: boolean; size?: string } = {},
): CloneSource {
  const name = `qhci-t-clsrc-${randomUUID().slice(0, 6)}`;
  const uuid = randomUUID();
  const base = join(POOL_DIR, `${name}-base.qcow2`);
  const disk = join(POOL_DIR, `${name}-disk0.qcow2`);
  const size = opts.size ?? '256M';
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, size]);
  const backing = opts.hostile ? ['-b', '/etc/hostname', '-F', 'raw'] : ['-b', base, '-F', 'qcow2'];
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...backing, disk, size]);
  const iso = tinyIso(`${name}-install.iso`);
  const seed = tinyIso(`${name}-cidata.iso`);
  const cdrom = (file: string, dev: string) =>
    `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${file}'/>` +
    `<target dev='${dev}' bus='${bus}'/><readonly/></disk>`;
  const nvram = opts.uefi ? `/var/lib/libvirt/qemu/nvram/${name}_VARS.fd` : null;
  const firmware = nvram
    ? `<loader readonly='yes' type='pflash'>${OVMF_CODE}</loader><nvram template='${OVMF_VARS}'>${nvram}</nvram>`
    : '';
  const tpm = opts.tpm ? "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>" : '';
  const bus = opts.uefi ? 'sata' : 'ide';
  const xml = `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <sysinfo type='smbios'><system><entry name='uuid'>${uuid}</entry></system></sysinfo>
  <os><type arch='x86_64' machine='${opts.uefi ? 'q35' : 'pc'}'>hvm</type>${firmware}<boot dev='hd'/><smbios mode='sysinfo'/></os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='${opts.hostile ? 'raw' : 'qcow2'}'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    ${cdrom(iso, opts.uefi ? 'sda' : 'hda')}
    ${cdrom(seed, opts.uefi ? 'sdb' : 'hdb')}
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    ${tpm}
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  try {
    writeFileSync(join(dir, 'd.xml'), xml);
    virsh('define', join(dir, 'd.xml'));
  } catch (err) {
    for (const f of [base, disk, iso, seed]) rmSync(f, { force: true });
    refreshPool();
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  refreshPool();
  return { name, uuid, base, disk, iso, seed, nvram };
}

/**
 * Refreshes the testbed pool, waiting while libvirt refuses because another test's upload into the shared
 * pool runs ("pool … has asynchronous jobs running"), a minute at most; any other failure is thrown.
 */
export function refreshPool(): void {
  const end = Date.now() + 60_000;
  for (;;) {
    const r = spawnSync('virsh', ['-c', 'qemu:///system', 'pool-refresh', POOL], { encoding: 'utf8' });
    if (r.status === 0 || Date.now() > end) return;
    if (!/asynchronous jobs/.test(r.stderr))
      throw new Error(`virsh pool-refresh ${POOL}: ${r.stderr.trim()}`);
    spawnSync('sleep', ['0.2']);
  }
}

/**
 * The files in the testbed pool's directory: what its volumes are, read without the pool refresh that libvirt
 * refuses while another test's upload into the shared pool runs.
 */
export function poolFiles(): string[] {
  return readdirSync(POOL_DIR);
}

/** A tiny ISO file in the testbed pool (the pool refreshed once the source is defined). */
function tinyIso(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-iso-'));
  try {
    writeFileSync(join(dir, 'README'), 'installer\n');
    const path = join(POOL_DIR, name);
    execFileSync('genisoimage', ['-quiet', '-V', 'INSTALL', '-o', path, dir]);
    return path;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Undefines a domain by name (with its NVRAM) and deletes the files given; whatever is left of them. */
export function removeDomainAndFiles(name: string, files: readonly string[]): void {
  spawnSync('virsh', ['-c', 'qemu:///system', 'destroy', name]);
  spawnSync('virsh', ['-c', 'qemu:///system', 'undefine', name, '--nvram']);
  for (const f of files) rmSync(f, { force: true });
  try {
    refreshPool();
  } catch {
    // Removal is best effort: what is left shows in the next test's checks.
  }
}

export function removeCloneSource(s: CloneSource): void {
  removeDomainAndFiles(s.name, [s.disk, s.base, s.iso, s.seed]);
  rmSync(tpmDir(s.uuid), { recursive: true, force: true });
}

/** Where libvirt keeps a domain's TPM state. */
export const tpmDir = (uuid: string) => `/var/lib/libvirt/swtpm/${uuid}`;

/** The files under a directory with their checksums ("tpm2/tpm2-00.permall sha…"), sorted. */
export function treeSums(dir: string): string[] {
  const out = execFileSync('sh', ['-c', 'cd "$0" && find . -type f -exec sha256sum {} + | sort -k2', dir], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l !== '');
}

/** A clone's own files in the pool (`<clone>-…`), by their prefix. */
export function cloneFiles(clone: string): string[] {
  return [0, 1, 2]
    .map((k) => join(POOL_DIR, `${clone}-disk${k}.qcow2`))
    .concat(join(POOL_DIR, `${clone}-cidata.iso`));
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `qemu-img info` as JSON (-U: nothing holds the file, but never wait for a lock). */
export function imgInfo(path: string): {
  'virtual-size': number;
  'actual-size': number;
  'backing-filename'?: string;
  format: string;
} {
  return JSON.parse(
    execFileSync('qemu-img', ['info', '-U', '--output=json', path], { encoding: 'utf8' }),
  ) as never;
}

/** `qemu-img info --backing-chain` as JSON: the image first, then each backing file down the chain. */
export function backingChain(path: string): {
  filename: string;
  format: string;
  'virtual-size': number;
  'actual-size': number;
  'backing-filename'?: string;
}[] {
  return JSON.parse(
    execFileSync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', path], { encoding: 'utf8' }),
  ) as never;
}
