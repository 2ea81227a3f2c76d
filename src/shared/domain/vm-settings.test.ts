import { describe, expect, it } from 'vitest';
import { fieldErrors } from './names';
import { GiB, MiB } from './provision';
import { VmSettingsChange, VmSettingsInput } from './vm-settings';

const VM = '00000000-0000-4000-8000-0000000000aa';
const parse = (changes: unknown[]) => VmSettingsInput.safeParse({ vmId: VM, changes });
const errors = (changes: unknown[]) => fieldErrors(parse(changes).error?.issues ?? []);

describe('a settings change', () => {
  it('accepts one change of every kind', () => {
    const r = parse([
      { kind: 'vcpus', current: 2, maximum: 4 },
      { kind: 'memory', currentBytes: 512 * MiB, maximumBytes: GiB },
      { kind: 'disk-add-new', pool: 'default', sizeBytes: GiB },
      { kind: 'disk-add-existing', pool: 'default', volume: 'data.qcow2', bus: 'sata' },
      { kind: 'disk-grow', target: 'vda', sizeBytes: 20 * GiB },
      { kind: 'disk-detach', target: 'vdb', deleteVolume: true },
      { kind: 'nic-add', network: 'default' },
      { kind: 'nic-remove', mac: '52:54:00:AA:bb:cc' },
      { kind: 'nic-update', mac: '52:54:00:00:00:01', model: 'e1000e' },
      { kind: 'cdrom-insert', target: 'sda', pool: 'isos', volume: 'debian.iso' },
      { kind: 'cdrom-eject', target: 'sdb' },
      { kind: 'boot-order', order: ['cdrom', 'hd'] },
      { kind: 'autostart', enabled: true },
      { kind: 'description', text: 'web server\nsecond line' },
      { kind: 'labels', labels: { env: 'prod' } },
    ]);
    expect(r.error).toBeUndefined();
    expect(r.data!.changes[6]).toEqual({ kind: 'nic-add', network: 'default', model: 'virtio' });
    expect(r.data!.changes[7]).toEqual({ kind: 'nic-remove', mac: '52:54:00:aa:bb:cc' });
  });

  it.each(['--pool=x', '-p'])('refuses the option-like pool, volume and network name %j', (name) => {
    expect(errors([{ kind: 'disk-add-new', pool: name, sizeBytes: GiB }])).toEqual({
      'changes.0.pool': 'Pool name may not start with "-"',
    });
    expect(errors([{ kind: 'disk-add-new', pool: 'p', name, sizeBytes: GiB }])).toEqual({
      'changes.0.name': 'Volume name may not start with "-"',
    });
    expect(errors([{ kind: 'cdrom-insert', pool: 'p', volume: name }])).toEqual({
      'changes.0.volume': 'Volume name may not start with "-"',
    });
    expect(errors([{ kind: 'nic-add', network: name }])).toEqual({
      'changes.0.network': 'Network name may not start with "-"',
    });
    expect(errors([{ kind: 'nic-update', mac: '52:54:00:00:00:01', network: name }])).toEqual({
      'changes.0.network': 'Network name may not start with "-"',
    });
  });

  it('refuses volume names with "/" or control characters and targets that are not disk names', () => {
    expect(
      VmSettingsChange.safeParse({ kind: 'disk-add-existing', pool: 'p', volume: '../etc' }).success,
    ).toBe(false);
    expect(
      VmSettingsChange.safeParse({ kind: 'disk-add-existing', pool: 'p', volume: 'a\u0007' }).success,
    ).toBe(false);
    for (const target of ['vda/', "vda'", 'sda1', '-vda', 'nvme0n1', '']) {
      expect(VmSettingsChange.safeParse({ kind: 'disk-grow', target, sizeBytes: GiB }).success).toBe(false);
    }
  });

  it('keeps sizes within their limits', () => {
    expect(errors([{ kind: 'memory', currentBytes: 32 * MiB }])).toEqual({
      'changes.0.currentBytes': 'Memory must be at least 64 MiB',
    });
    expect(errors([{ kind: 'memory', currentBytes: 64 * MiB + 1 }])).toEqual({
      'changes.0.currentBytes': 'Memory must be a whole number of MiB',
    });
    expect(errors([{ kind: 'disk-grow', target: 'vda', sizeBytes: 65 * 1024 * GiB }])).toEqual({
      'changes.0.sizeBytes': 'Disk size must be at most 64 TiB',
    });
    expect(errors([{ kind: 'vcpus', current: 0 }])).toEqual({ 'changes.0.current': 'At least 1 vCPU' });
    expect(errors([{ kind: 'vcpus', current: 1025 }])).toEqual({ 'changes.0.current': 'At most 1024 vCPUs' });
  });

  it('refuses a current value above the maximum it sets', () => {
    expect(errors([{ kind: 'vcpus', current: 4, maximum: 2 }])).toEqual({
      'changes.0.current': '4 vCPUs is above the maximum of 2',
    });
    expect(errors([{ kind: 'memory', currentBytes: 2 * GiB, maximumBytes: GiB }])).toEqual({
      'changes.0.currentBytes': 'Memory is above the maximum memory',
    });
  });

  it('refuses two changes of one disk, NIC, volume or setting', () => {
    expect(
      errors([
        { kind: 'disk-grow', target: 'vdb', sizeBytes: GiB },
        { kind: 'disk-detach', target: 'vdb' },
      ]),
    ).toEqual({ 'changes.1': 'Two changes name disk vdb' });
    expect(
      errors([
        { kind: 'nic-remove', mac: '52:54:00:00:00:01' },
        { kind: 'nic-update', mac: '52:54:00:00:00:01', model: 'virtio' },
      ]),
    ).toEqual({ 'changes.1': 'Two changes name NIC 52:54:00:00:00:01' });
    expect(
      errors([
        { kind: 'disk-add-existing', pool: 'p', volume: 'a' },
        { kind: 'disk-add-existing', pool: 'p', volume: 'a' },
      ]),
    ).toEqual({ 'changes.1': 'The same volume is attached twice' });
    expect(
      errors([
        { kind: 'disk-add-new', pool: 'p', sizeBytes: GiB, target: 'vdc' },
        { kind: 'disk-add-existing', pool: 'p', volume: 'b', target: 'vdc' },
      ]),
    ).toEqual({ 'changes.1': 'Two changes name disk vdc' });
    expect(
      errors([
        { kind: 'memory', currentBytes: GiB },
        { kind: 'memory', currentBytes: 2 * GiB },
      ]),
    ).toEqual({ 'changes.1': 'The memory setting is changed twice' });
    expect(
      parse([
        { kind: 'disk-add-new', pool: 'p', sizeBytes: GiB },
        { kind: 'disk-add-new', pool: 'p', sizeBytes: GiB },
        { kind: 'nic-add', network: 'n' },
        { kind: 'nic-add', network: 'n' },
      ]).success,
    ).toBe(true);
  });

  it('refuses an empty change, an unknown kind and a boot device named twice', () => {
    expect(errors([{ kind: 'nic-update', mac: '52:54:00:00:00:01' }])).toEqual({
      'changes.0.network': 'Give a network or a model to change',
    });
    expect(errors([{ kind: 'reboot' }])).toEqual({ 'changes.0.kind': 'Unknown kind of change' });
    expect(errors([{ kind: 'boot-order', order: ['hd', 'hd'] }])).toEqual({
      'changes.0.order': 'A boot device is named twice',
    });
    expect(errors([])).toEqual({ changes: 'Make at least one change' });
    expect(errors([{ kind: 'description', text: 'a\u0000b' }])).toEqual({
      'changes.0.text': 'Description may not contain control characters',
    });
  });
});
