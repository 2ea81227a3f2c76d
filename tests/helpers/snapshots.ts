/**
 * Small real VMs for snapshot tests on the testbed's qemu:///system: a qcow2 disk in the testbed pool, a
 * domain of type qemu (runs without KVM) that boots nothing, optionally UEFI (OVMF pflash + NVRAM). The
 * inventory learns of them by a host sync, as of any domain made outside QHCI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { defineXml, virsh } from './domains';
import { POOL, POOL_DIR } from './provision';

export interface DiskVm {
  readonly name: string;
  readonly uuid: string;
  /** The qcow2 disk's path. */
  readonly disk: string;
  readonly nvram: string | null;
}

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export function defineDiskVm(
  opts: {
    uefi?: boolean;
    memoryMiB?: number;
    /** A qcow2 base the disk is an overlay on. */ backing?: string;
  } = {},
): DiskVm {
  const name = `qhci-t-snap-${randomUUID().slice(0, 6)}`;
  const uuid = randomUUID();
  const disk = join(POOL_DIR, `${name}.qcow2`);
  const backing = opts.backing ? ['-b', opts.backing, '-F', 'qcow2'] : [];
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...backing, disk, '16M']);
  const nvram = opts.uefi ? `/var/lib/libvirt/qemu/nvram/${name}_VARS.fd` : null;
  const firmware = opts.uefi
    ? `<loader readonly='yes' type='pflash'>${OVMF_CODE}</loader><nvram template='${OVMF_VARS}'>${nvram}</nvram>`
    : '';
  const xml = `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>${opts.memoryMiB ?? 64}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='${opts.uefi ? 'q35' : 'pc'}'>hvm</type>${firmware}<boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>`;
  defineXml(xml);
  virsh('pool-refresh', POOL);
  return { name, uuid, disk, nvram };
}

/** Removes the domain (with its snapshot metadata and NVRAM) and its disk, whatever is left of them. */
export function removeDiskVm(vm: DiskVm): void {
  spawnSync('virsh', ['-c', 'qemu:///system', 'destroy', vm.uuid]);
  spawnSync('virsh', ['-c', 'qemu:///system', 'undefine', vm.uuid, '--nvram', '--snapshots-metadata']);
  rmSync(vm.disk, { force: true });
  if (vm.nvram) rmSync(vm.nvram, { force: true });
  spawnSync('virsh', ['-c', 'qemu:///system', 'pool-refresh', POOL]);
}

/** The VM's id in the inventory, after a sync of the host. */
export async function vmIdOf(client: QhciClient, hostId: string, name: string): Promise<string> {
  await client.call('hosts.sync', { id: hostId });
  const vm = (await client.call('vms.list', {})).find((v) => v.name === name && v.hostId === hostId);
  if (!vm) throw new Error(`VM ${name} is not in the inventory`);
  return vm.id;
}

/** Runs qemu-io on a disk that no running QEMU holds ("write -P 0xaa 0 64k"); true when it succeeded. */
export function qemuIo(disk: string, command: string): boolean {
  const r = spawnSync('qemu-io', ['-f', 'qcow2', '-c', command, disk], { encoding: 'utf8' });
  return r.status === 0 && !/Pattern verification failed|error/i.test(`${r.stdout}${r.stderr}`);
}

/** The internal snapshots inside a qcow2 file (`qemu-img snapshot -l`), by tag. */
export function qcowSnapshots(disk: string): string[] {
  const out = execFileSync('qemu-img', ['snapshot', '-l', '-U', disk], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/)[1] ?? '')
    .filter((t) => t !== '');
}

/** The snapshots libvirt lists for the domain (`virsh snapshot-list --name`). */
export function virshSnapshots(uuid: string): string[] {
  return virsh('snapshot-list', '--domain', uuid, '--name')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .sort();
}
