import { describe, expect, it } from 'vitest';
import type { SnapshotPlan } from '../../../../shared/domain/snapshot';
import { memoryText, planText } from './plan';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const base: SnapshotPlan = {
  vmId: 'vm1',
  mode: 'internal',
  memory: false,
  vmState: 'shut off',
  memoryBytes: 0,
  pool: 'default',
  poolFreeBytes: 10 * GiB,
  refusal: null,
  notes: [],
};

describe('planText', () => {
  it('a disk-only plan says the mode and that only the disks are saved', () => {
    const t = planText(base);
    expect(t.ok).toBe(true);
    expect(t.title).toBe('A disk-only snapshot');
    expect(t.facts).toContainEqual(['Mode', 'Internal: saved inside the VM’s qcow2 disks']);
    expect(t.facts).toContainEqual(['Contents', 'Its disks only']);
    expect(t.facts.map(([k]) => k)).not.toContain('Memory');
  });

  it('a memory plan shows the memory size against the pool’s free space, and its notes', () => {
    const t = planText({
      ...base,
      memory: true,
      vmState: 'running',
      memoryBytes: 512 * MiB,
      notes: ['The VM pauses while its 512 MiB of memory is saved'],
    });
    expect(t.ok).toBe(true);
    expect(t.facts).toContainEqual(['Memory', '512 MiB, into pool default (10.0 GiB free)']);
    expect(t.notes).toEqual(['The VM pauses while its 512 MiB of memory is saved']);
  });

  it('a refusal is not ok and its reason is the note', () => {
    const t = planText({
      ...base,
      mode: null,
      refusal: 'libvirt refuses internal snapshots of a UEFI VM (pflash firmware)',
      notes: ['ignored'],
    });
    expect(t.ok).toBe(false);
    expect(t.title).toBe('This snapshot cannot be taken');
    expect(t.notes).toEqual(['libvirt refuses internal snapshots of a UEFI VM (pflash firmware)']);
    expect(t.facts.map(([k]) => k)).not.toContain('Mode');
  });
});

describe('memoryText', () => {
  it('says when the pool or its free space is unknown', () => {
    expect(memoryText({ ...base, memoryBytes: 64 * MiB, pool: null, poolFreeBytes: null })).toBe(
      '64 MiB, into its disk’s pool (free space unknown)',
    );
  });
});
