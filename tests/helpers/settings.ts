/**
 * Small real VMs for settings tests on the testbed's qemu:///system (or any URI): a q35 domain of type qemu
 * (runs without KVM, boots nothing) with a qcow2 disk in the testbed pool, a NIC on the default network, a
 * balloon, room to grow (a vCPU and memory maximum above the current), and spare PCIe root ports, so every
 * live action has what it needs. The inventory learns of it by a host sync.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU } from './domains';
import { POOL, POOL_DIR } from './provision';

export interface SettingsVm {
  readonly name: string;
  readonly uuid: string;
  /** The qcow2 disk's path. */
  readonly disk: string;
  readonly mac: string;
}

const run = (uri: string, args: readonly string[]) =>
  execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' });

export function settingsVmXml(
  name: string,
  uuid: string,
  disk: string,
  mac: string,
  opts: { rootPorts?: number } = {},
): string {
  const ports = Array.from(
    { length: opts.rootPorts ?? 8 },
    (_, i) => `    <controller type='pci' index='${i + 1}' model='pcie-root-port'/>`,
  ).join('\n');
  return `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>256</memory>
  <currentMemory unit='MiB'>128</currentMemory>
  <vcpu current='1'>4</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='pci' index='0' model='pcie-root'/>
${ports}
    <interface type='network'>
      <mac address='${mac}'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <memballoon model='virtio'/>
  </devices>
</domain>`;
}

/** Defines a settings VM on `uri` (its disk made with vol-create-as in `pool`, so any host can hold it). */
export function defineSettingsVm(
  opts: { uri?: string; pool?: string; poolDir?: string; rootPorts?: number; prefix?: string } = {},
): SettingsVm {
  const uri = opts.uri ?? QEMU;
  const pool = opts.pool ?? POOL;
  const name = `${opts.prefix ?? 'qhci-t-set'}-${randomUUID().slice(0, 6)}`;
  const uuid = randomUUID();
  const vol = `${name}.qcow2`;
  run(uri, ['vol-create-as', '--pool', pool, '--name', vol, '--capacity', '16M', '--format', 'qcow2']);
  const disk = run(uri, ['vol-path', '--pool', pool, '--vol', vol]).trim() || join(POOL_DIR, vol);
  const mac = `52:54:00:${randomUUID().slice(0, 2)}:${randomUUID().slice(0, 2)}:${randomUUID().slice(0, 2)}`;
  const xml = settingsVmXml(name, uuid, disk, mac, { rootPorts: opts.rootPorts });
  const dir = mkdtempSync(join(tmpdir(), 'qhci-t-set-'));
  try {
    writeFileSync(join(dir, 'domain.xml'), xml);
    run(uri, ['define', '--file', join(dir, 'domain.xml')]);
  } catch (err) {
    spawnSync('virsh', ['-c', uri, 'vol-delete', '--pool', pool, '--vol', vol]);
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { name, uuid, disk, mac };
}

/** Removes the domain and every volume of the pool named after it, whatever is left of them. */
export function removeSettingsVm(vm: SettingsVm, opts: { uri?: string; pool?: string } = {}): void {
  const uri = opts.uri ?? QEMU;
  const pool = opts.pool ?? POOL;
  spawnSync('virsh', ['-c', uri, 'destroy', vm.uuid]);
  spawnSync('virsh', ['-c', uri, 'undefine', vm.uuid]);
  spawnSync('virsh', ['-c', uri, 'pool-refresh', pool]);
  const list = spawnSync('virsh', ['-c', uri, 'vol-list', '--pool', pool], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n').slice(2)) {
    const n = line.trim().split(/\s+/)[0] ?? '';
    if (n.startsWith(vm.name)) spawnSync('virsh', ['-c', uri, 'vol-delete', '--pool', pool, '--vol', n]);
  }
}

/** The pool's volume names that start with the VM's name. */
export function vmVolumes(vm: SettingsVm, opts: { uri?: string; pool?: string } = {}): string[] {
  const uri = opts.uri ?? QEMU;
  const pool = opts.pool ?? POOL;
  spawnSync('virsh', ['-c', uri, 'pool-refresh', pool]);
  return run(uri, ['vol-list', '--pool', pool])
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(vm.name))
    .sort();
}
