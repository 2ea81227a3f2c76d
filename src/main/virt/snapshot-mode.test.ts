import { describe, expect, it } from 'vitest';
import {
  decideSnapshot,
  externalDiskPlans,
  externalMemoryFile,
  memoryRefusal,
  type SnapshotFacts,
} from './snapshot-mode';

const MiB = 1024 ** 2;
const qcow = (target: string, source = `/var/lib/libvirt/images/${target}.qcow2`) => ({
  device: 'disk' as const,
  target,
  source,
  format: 'qcow2',
});
const facts = (over: Partial<SnapshotFacts> = {}): SnapshotFacts => ({
  disks: [qcow('vda'), { device: 'cdrom', target: 'sda', source: '/i/seed.iso', format: 'raw' }],
  existingModes: [],
  externalSupported: false,
  pflash: false,
  libvirtVersion: '9.0.0',
  vmState: 'shut off',
  memoryRequested: false,
  memoryBytes: 512 * MiB,
  pool: 'default',
  poolFreeBytes: 10 * 1024 * MiB,
  ...over,
});

describe('snapshot mode by capability', () => {
  it('libvirt 9.0 with qcow2 disks: internal, the CD-ROM left out', () => {
    const d = decideSnapshot(facts());
    expect(d).toMatchObject({
      mode: 'internal',
      refusal: null,
      memory: false,
      disks: ['vda'],
      excluded: ['sda'],
    });
  });

  it('a host reporting <externalSnapshot/> with file disks: external, even for raw disks', () => {
    const raw = { ...qcow('vda'), format: 'raw' };
    expect(decideSnapshot(facts({ externalSupported: true, disks: [raw] }))).toMatchObject({
      mode: 'external',
      refusal: null,
    });
  });

  it('a block-device disk keeps external off; internal then needs qcow2 and names the disk that prevents it', () => {
    const block = { device: 'disk' as const, target: 'vdb', source: '/dev/sdb', format: 'raw' };
    const d = decideSnapshot(facts({ externalSupported: true, disks: [qcow('vda'), block] }));
    expect(d.mode).toBeNull();
    expect(d.refusal).toMatch(/disk vdb \(\/dev\/sdb\) is raw, not qcow2/);
  });

  it('one VM never mixes modes: its existing snapshots decide', () => {
    expect(decideSnapshot(facts({ externalSupported: true, existingModes: ['internal'] })).mode).toBe(
      'internal',
    );
    const ext = decideSnapshot(facts({ existingModes: ['external'] }));
    expect(ext.mode).toBeNull();
    expect(ext.refusal).toMatch(/external snapshots.*9\.9.*9\.0\.0/);
  });

  it('a UEFI (pflash) VM on libvirt 9.0 is refused before trying, saying what is needed', () => {
    const d = decideSnapshot(facts({ pflash: true }));
    expect(d.mode).toBeNull();
    expect(d.refusal).toMatch(/not possible on this host.*pflash.*libvirt ≥ 9\.9.*runs libvirt 9\.0\.0/);
    // Where external snapshots work, the same VM takes them.
    expect(decideSnapshot(facts({ pflash: true, externalSupported: true })).mode).toBe('external');
    expect(
      decideSnapshot(facts({ pflash: true, externalSupported: true, existingModes: ['internal'] })).refusal,
    ).toMatch(/refuses internal snapshots of a UEFI VM/);
  });

  it('a running VM: memory saved when asked; internal disk-only is refused with what works', () => {
    const withMemory = decideSnapshot(facts({ vmState: 'running', memoryRequested: true }));
    expect(withMemory).toMatchObject({
      mode: 'internal',
      memory: true,
      memoryBytes: 512 * MiB,
      refusal: null,
    });
    expect(withMemory.notes.join()).toMatch(/ends with the VM running/);
    const diskOnly = decideSnapshot(facts({ vmState: 'running' }));
    expect(diskOnly.refusal).toMatch(/only with its memory.*shut the VM down.*disk-only/);
  });

  it('memory asked of a shut-off VM: a disk snapshot, with a note', () => {
    const d = decideSnapshot(facts({ memoryRequested: true }));
    expect(d).toMatchObject({ memory: false, memoryBytes: 0, refusal: null });
    expect(d.notes[0]).toMatch(/not running/);
  });

  it('a memory state that does not fit the pool is refused with the sizes', () => {
    const d = decideSnapshot(
      facts({ vmState: 'running', memoryRequested: true, memoryBytes: 2048 * MiB, poolFreeBytes: 100 * MiB }),
    );
    expect(d.mode).toBeNull();
    expect(d.refusal).toBe(
      'The memory state needs 2.0 GiB but pool default has 100 MiB free: free space there, or take a disk-only snapshot',
    );
    expect(memoryRefusal({ memoryBytes: 100 * MiB, pool: 'p', poolFreeBytes: 100 * MiB }, true)).toBeNull();
    expect(memoryRefusal({ memoryBytes: 100 * MiB, pool: 'p', poolFreeBytes: 0 }, false)).toBeNull();
    expect(memoryRefusal({ memoryBytes: 100 * MiB, pool: 'p', poolFreeBytes: null }, true)).toBeNull();
  });

  it('a VM without disks has nothing to snapshot', () => {
    expect(decideSnapshot(facts({ disks: [] })).refusal).toMatch(/no disk/);
  });

  it('external overlays and memory file sit beside the disks', () => {
    expect(externalDiskPlans([{ target: 'vda', source: '/p/web.qcow2' }], 's1')).toEqual([
      { target: 'vda', overlay: '/p/web.qcow2.s1' },
    ]);
    expect(externalMemoryFile('/p/web.qcow2', 'web', 's1')).toBe('/p/web.s1.mem');
  });
});
