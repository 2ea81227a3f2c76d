import { describe, expect, it } from 'vitest';
import { cloneFacts } from '../../virt/clone-xml';
import type { CloneCtx, DiskCopy } from './context';
import { foreseenPaths } from './define';

const DIR = '/var/lib/libvirt/images';

function sourceXml(seed: boolean): string {
  const cdrom = seed
    ? `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>
        <source file='${DIR}/src-cidata.iso'/><target dev='hdb' bus='ide'/><readonly/></disk>`
    : '';
  return `<domain type='kvm'><name>src</name><uuid>6a3c4a43-5a0e-4a55-9b1e-0d4f1b1c2a10</uuid>
    <devices>
      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
        <source file='${DIR}/src-disk0.qcow2'/><target dev='vda' bus='virtio'/></disk>
      ${cdrom}
    </devices></domain>`;
}

function disk(over: Partial<DiskCopy> = {}): DiskCopy {
  return {
    target: 'vda',
    source: `${DIR}/src-disk0.qcow2`,
    format: 'qcow2',
    sourcePool: 'default',
    way: 'convert',
    pool: 'default',
    volume: 'web-disk0.qcow2',
    virtualBytes: 1,
    requiredBytes: 1,
    base: null,
    path: null,
    ...over,
  };
}

function ctx(o: { seed?: boolean; disks?: DiskCopy[]; hostId?: string; pool?: string } = {}): CloneCtx {
  const xml = sourceXml(o.seed ?? true);
  return {
    source: { id: 'vm1', name: 'src', projectId: 'p', hostId: 'h1', uuid: 'u' },
    job: {
      vmId: 'vm2',
      uuid: 'u2',
      name: 'web',
      mode: 'full',
      hostId: o.hostId ?? 'h1',
      pools: null,
      locksSource: true,
      ticketId: null,
    },
    known: null,
    plan: {
      vmId: 'vm2',
      uuid: 'u2',
      hostId: o.hostId ?? 'h1',
      xml,
      facts: cloneFacts(xml),
      disks: o.disks ?? [disk()],
      pool: o.pool ?? 'default',
      nvram: null,
      tpmFrom: null,
      eject: [],
    },
    seedPath: null,
    seedIso: null,
    macs: null,
    defineFile: null,
  };
}

describe("the clone's new paths, foreseen for its XML written ahead", () => {
  it('puts each new volume and the seed beside the source disk in its pool', () => {
    expect(foreseenPaths(ctx())).toEqual({
      disks: { vda: `${DIR}/web-disk0.qcow2` },
      seed: `${DIR}/web-cidata.iso`,
    });
    expect(foreseenPaths(ctx({ seed: false }))).toEqual({
      disks: { vda: `${DIR}/web-disk0.qcow2` },
      seed: null,
    });
  });

  it('foresees nothing it cannot: another host, another pool, a base copy', () => {
    expect(foreseenPaths(ctx({ hostId: 'h2' }))).toBeNull();
    expect(foreseenPaths(ctx({ disks: [disk({ pool: 'other' })], pool: 'other' }))).toBeNull();
    expect(foreseenPaths(ctx({ pool: 'other' }))).toBeNull();
    const base = { pool: 'default', volume: 'src-base-vda.qcow2', path: null };
    expect(foreseenPaths(ctx({ disks: [disk({ way: 'overlay', base })] }))).toBeNull();
  });
});
