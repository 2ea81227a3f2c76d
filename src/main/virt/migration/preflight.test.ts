import { describe, expect, it } from 'vitest';
import { migrationNeeds } from './needs';
import { preflight, type FileFacts, type PreflightInput } from './preflight';

const DIR = '/var/lib/libvirt/images';
const domain = (extra = '', cpu = '<cpu mode="host-passthrough"/>') => `<domain type="kvm">
  <name>web-1</name>
  <uuid>2b9f4c1e-1111-4222-8333-444455556666</uuid>
  <os><type arch="x86_64" machine="pc-q35-7.2">hvm</type><nvram>/var/lib/libvirt/qemu/nvram/web-1_VARS.fd</nvram></os>
  ${cpu}
  <devices>
    <disk type="file" device="disk"><driver name="qemu" type="qcow2"/><source file="${DIR}/web-1.qcow2"/><target dev="vda" bus="virtio"/></disk>
    <disk type="file" device="cdrom"><source file="${DIR}/web-1-seed.iso"/><target dev="sda" bus="sata"/><readonly/></disk>
    <disk type="file" device="cdrom"><target dev="sdb" bus="sata"/><readonly/></disk>
    ${extra}
  </devices>
</domain>`;

const GiB = 1024 ** 3;
const file = (allocationBytes: number, backing: string | null = null, sha256?: string): FileFacts => ({
  sizeBytes: allocationBytes,
  allocationBytes,
  backing,
  ...(sha256 ? { sha256 } : {}),
});

const NVRAM = '/var/lib/libvirt/qemu/nvram/web-1_VARS.fd';
function input(over: Partial<PreflightInput> = {}): PreflightInput {
  return {
    vm: migrationNeeds(domain()),
    running: true,
    snapshots: 0,
    source: {
      name: 'kvm-a',
      libvirtVersion: 9_000_000,
      qemuVersion: 7_002_000,
      machines: ['pc-q35-7.2', 'q35'],
    },
    dest: {
      name: 'kvm-b',
      libvirtVersion: 9_000_000,
      qemuVersion: 7_002_000,
      machines: ['pc-q35-7.2', 'q35'],
    },
    sourceFiles: new Map([
      [`${DIR}/web-1.qcow2`, file(256 * 1024 ** 2, `${DIR}/debian.qcow2`)],
      [`${DIR}/debian.qcow2`, file(2 * GiB, null, 'aa')],
      [`${DIR}/web-1-seed.iso`, file(1024 ** 2, null, 'bb')],
      [NVRAM, file(540_672)],
    ]),
    destFiles: new Map([[`${DIR}/debian.qcow2`, file(2 * GiB, null, 'aa')]]),
    destPools: [
      { name: 'default', path: DIR, availableBytes: 100 * GiB },
      { name: 'nvram', path: '/var/lib/libvirt/qemu/nvram', availableBytes: GiB },
    ],
    destTaken: { name: false, uuid: false },
    cpuCompare: 'identical',
    reachable: true,
    transport: 'auto',
    ...over,
  };
}
const status = (r: ReturnType<typeof preflight>, id: string) => r.checks.find((c) => c.id === id)?.status;

describe('migrationNeeds', () => {
  it('reads files, machine, CPU and NVRAM, skipping an empty tray', () => {
    const n = migrationNeeds(domain());
    expect(n).toMatchObject({
      name: 'web-1',
      machine: 'pc-q35-7.2',
      arch: 'x86_64',
      cpu: 'host-passthrough',
      nvram: NVRAM,
      blockers: [],
    });
    expect(n.disks.map((d) => [d.target, d.device, d.readonly])).toEqual([
      ['vda', 'disk', false],
      ['sda', 'cdrom', true],
    ]);
  });

  it('names what cannot migrate without shared storage', () => {
    const n = migrationNeeds(
      domain(`<disk type="block" device="disk"><source dev="/dev/sdz"/><target dev="vdb"/></disk>
      <disk type="file" device="disk"><source file="/shared/x.raw"/><target dev="vdc"/><shareable/></disk>
      <hostdev mode="subsystem" type="pci"><source><address domain="0" bus="1" slot="0" function="0"/></source></hostdev>`),
    );
    expect(n.blockers).toEqual([
      'Disk vdb is a block disk, not a file: only file disks migrate without shared storage',
      'Disk vdc is shared with other VMs',
      'It uses a host device (PCI or USB passthrough)',
    ]);
  });
});

describe('preflight', () => {
  it('passes with the base present: only the overlay, the seed ISO and the NVRAM travel', () => {
    const r = preflight(input());
    expect(r.ok).toBe(true);
    expect(r.transport).toBe('direct');
    expect(r.copies.map((c) => [c.what, c.path])).toEqual([
      ['iso', `${DIR}/web-1-seed.iso`],
      ['nvram', NVRAM],
      ['overlay', `${DIR}/web-1.qcow2`],
    ]);
    expect(status(r, `file:${DIR}/debian.qcow2`)).toBe('ok');
    expect(status(r, `file:${DIR}/web-1-seed.iso`)).toBe('todo');
  });

  it('copies a missing base once, and counts it against the pool', () => {
    const r = preflight(
      input({
        destFiles: new Map(),
        destPools: [
          { name: 'default', path: DIR, availableBytes: 2 * GiB },
          { name: 'nvram', path: '/var/lib/libvirt/qemu/nvram', availableBytes: GiB },
        ],
      }),
    );
    expect(status(r, `file:${DIR}/debian.qcow2`)).toBe('todo');
    expect(r.copies.filter((c) => c.what === 'base')).toHaveLength(1);
    expect(status(r, 'space:default')).toBe('fail'); // 2 GiB base + overlay + ISO > 2 GiB
    expect(r.ok).toBe(false);
  });

  it('refuses a different file at the base path, a missing pool, a taken name, snapshots', () => {
    const r = preflight(
      input({
        destFiles: new Map([[`${DIR}/debian.qcow2`, file(2 * GiB, null, 'different')]]),
        destPools: [{ name: 'other', path: '/srv/images', availableBytes: 100 * GiB }],
        destTaken: { name: true, uuid: false },
        snapshots: 2,
      }),
    );
    expect(r.ok).toBe(false);
    const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.detail);
    expect(failed).toEqual([
      'It has 2 snapshots: libvirt does not migrate snapshots; delete them first',
      'kvm-b already defines a VM named web-1',
      `kvm-b has no storage pool at ${DIR}, where ${DIR}/web-1.qcow2 must go`,
      `kvm-b has a different file at ${DIR}/debian.qcow2`,
      `kvm-b has no storage pool at ${DIR}, where ${DIR}/web-1-seed.iso must go`,
    ]);
  });

  it('host-passthrough on a lesser CPU fails; host-model warns; a shut-off VM does not care', () => {
    expect(status(preflight(input({ cpuCompare: 'incompatible' })), 'cpu')).toBe('fail');
    expect(status(preflight(input({ cpuCompare: 'incompatible', running: false })), 'cpu')).toBe('ok');
    const model = input({
      vm: migrationNeeds(domain('', '<cpu mode="host-model"/>')),
      cpuCompare: 'incompatible',
    });
    expect(status(preflight(model), 'cpu')).toBe('warn');
  });

  it('a missing machine type fails; an older QEMU warns', () => {
    const r = preflight(
      input({
        dest: { name: 'kvm-b', libvirtVersion: 8_000_000, qemuVersion: 6_002_000, machines: ['q35'] },
      }),
    );
    expect(status(r, 'machine')).toBe('fail');
    expect(status(r, 'versions')).toBe('warn');
  });

  it('copies a shut-off VM through the console; refuses a live one the hosts cannot carry', () => {
    expect(preflight(input({ running: false })).transport).toBe('console');
    expect(status(preflight(input({ running: false, transport: 'direct' })), 'transport')).toBe('fail');
    expect(status(preflight(input({ reachable: false })), 'transport')).toBe('fail');
    expect(status(preflight(input({ transport: 'console' })), 'transport')).toBe('fail');
    expect(status(preflight(input({ reachable: null })), 'transport')).toBe('warn');
    expect(preflight(input()).transport).toBe('direct');
  });
});
