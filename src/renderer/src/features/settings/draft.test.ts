import { describe, expect, it } from 'vitest';
import type { VmDetail } from '../../../../shared/domain/vm';
import { GiB, MiB } from '../../../../shared/domain/provision';
import {
  changeTitle,
  destructiveChanges,
  draftChanges,
  gibToBytes,
  initDraft,
  requestErrors,
  validateDraft,
  type SettingsDraft,
} from './draft';

const vm: VmDetail = {
  id: '7d1c2a4e-0b7e-4f43-9a55-0c4b3c1e2f10',
  projectId: 'p',
  name: 'web-1',
  folderId: null,
  hostId: 'h1',
  state: 'shutoff',
  scheduledAt: null,
  vcpus: 2,
  memoryBytes: 2048 * MiB,
  labels: { tier: 'web', env: 'prod' },
  description: 'front end',
  template: false,
  parentId: null,
  linked: false,
  uuid: null,
  details: {
    disks: [
      {
        device: 'disk',
        target: 'vda',
        bus: 'virtio',
        source: '/p/web-1.qcow2',
        format: 'qcow2',
        backingChain: [],
      },
      {
        device: 'disk',
        target: 'vdb',
        bus: 'virtio',
        source: '/p/data.qcow2',
        format: 'qcow2',
        backingChain: [],
      },
      { device: 'cdrom', target: 'sda', bus: 'sata', source: null, format: null, backingChain: [] },
    ],
    nics: [
      { type: 'network', source: 'default', mac: '52:54:00:aa:bb:cc', model: 'virtio' },
      { type: 'bridge', source: 'br0', mac: null, model: 'e1000e' },
    ],
  },
  request: null,
  createdAt: '2026-12-07T00:00:00Z',
};

const ctx = { diskBytes: new Map([['vda', 10 * GiB]]) };
const edit = (patch: Partial<SettingsDraft>): SettingsDraft => ({ ...initDraft(vm), ...patch });

describe('settings draft', () => {
  it('an untouched draft makes no change and has no errors', () => {
    const d = initDraft(vm);
    expect(d.vcpus).toBe('2');
    expect(d.memoryMiB).toBe('2048');
    expect(Object.keys(d.disks)).toEqual(['vda', 'vdb']);
    expect(Object.keys(d.cdroms)).toEqual(['sda']);
    // A NIC without a MAC cannot be named by a change: it is not offered.
    expect(Object.keys(d.nics)).toEqual(['52:54:00:aa:bb:cc']);
    expect(draftChanges(d, vm)).toEqual([]);
    expect(validateDraft(d, ctx)).toEqual({});
  });

  it('memory and vCPUs are sent only when changed, with a maximum when given or passed', () => {
    expect(draftChanges(edit({ memoryMiB: '1024' }), vm)).toEqual([
      { kind: 'memory', currentBytes: 1024 * MiB },
    ]);
    // Above the maximum the VM has (its <memory>, 2 GiB here), the maximum rises along, as virt-manager does.
    expect(draftChanges(edit({ memoryMiB: '4096' }), vm)).toEqual([
      { kind: 'memory', currentBytes: 4096 * MiB, maximumBytes: 4096 * MiB },
    ]);
    expect(draftChanges(edit({ vcpus: '3' }), vm)).toEqual([{ kind: 'vcpus', current: 3, maximum: 3 }]);
    expect(draftChanges(edit({ vcpuMax: '8' }), vm)).toEqual([{ kind: 'vcpus', current: 2, maximum: 8 }]);
    expect(draftChanges(edit({ vcpus: '1', memoryMaxMiB: '8192' }), vm)).toEqual([
      { kind: 'vcpus', current: 1 },
      { kind: 'memory', currentBytes: 2048 * MiB, maximumBytes: 8192 * MiB },
    ]);
  });

  it('numbers that are not numbers, or a current value above its maximum, are named on their fields', () => {
    expect(validateDraft(edit({ vcpus: '0', memoryMiB: '1.5' }), ctx)).toEqual({
      vcpus: 'Give a whole number of vCPUs, at least 1',
      memory: 'Give the memory in whole MiB, at least 64',
    });
    expect(validateDraft(edit({ vcpus: '6', vcpuMax: '4' }), ctx).vcpus).toBe(
      '6 vCPUs is above the maximum of 4',
    );
    expect(validateDraft(edit({ memoryMiB: '4096', memoryMaxMiB: '2048' }), ctx).memory).toBe(
      'Memory is above the maximum memory',
    );
    expect(validateDraft(edit({ memoryMaxMiB: 'lots' }), ctx).memoryMax).toContain('leave it empty');
  });

  it('a disk grows to a larger size only; a detached disk is not grown', () => {
    const grow = edit({ disks: { vda: { growGiB: '12.5', detach: false, deleteVolume: false } } });
    expect(draftChanges(grow, vm)).toEqual([{ kind: 'disk-grow', target: 'vda', sizeBytes: 12800 * MiB }]);
    const shrink = edit({ disks: { vda: { growGiB: '8', detach: false, deleteVolume: false } } });
    expect(validateDraft(shrink, ctx)['grow-vda']).toBe('A disk only grows: give a larger size');
    const both = edit({ disks: { vdb: { growGiB: '50', detach: true, deleteVolume: true } } });
    expect(draftChanges(both, vm)).toEqual([{ kind: 'disk-detach', target: 'vdb', deleteVolume: true }]);
  });

  it('new and existing disks carry their pool, size and bus; unfinished rows are errors, not changes', () => {
    const d = edit({
      newDisks: [
        { key: 1, pool: 'default', sizeGiB: '20', bus: 'virtio' },
        { key: 2, pool: '', sizeGiB: 'x', bus: 'sata' },
      ],
      existingDisks: [{ key: 3, volume: 'default/data 2.qcow2', bus: 'sata' }],
    });
    expect(draftChanges(d, vm)).toEqual([
      { kind: 'disk-add-new', pool: 'default', sizeBytes: 20 * GiB, bus: 'virtio' },
      { kind: 'disk-add-existing', pool: 'default', volume: 'data 2.qcow2', bus: 'sata' },
    ]);
    expect(validateDraft(d, ctx)).toEqual({
      'new-disk-2-pool': 'Choose a pool',
      'new-disk-2-size': 'Give the size in GiB (a number above 0)',
    });
  });

  it('a NIC is removed, or updated with only what differs; new NICs need a network', () => {
    const mac = '52:54:00:aa:bb:cc';
    expect(
      draftChanges(edit({ nics: { [mac]: { remove: false, network: 'default', model: 'e1000e' } } }), vm),
    ).toEqual([{ kind: 'nic-update', mac, model: 'e1000e' }]);
    expect(
      draftChanges(edit({ nics: { [mac]: { remove: true, network: 'other', model: 'virtio' } } }), vm),
    ).toEqual([{ kind: 'nic-remove', mac }]);
    const added = edit({ newNics: [{ key: 1, network: '', model: 'virtio' }] });
    expect(draftChanges(added, vm)).toEqual([]);
    expect(validateDraft(added, ctx)).toEqual({ 'new-nic-1': 'Choose a network' });
  });

  it('CD-ROM, boot order, autostart, description and labels each become one change', () => {
    const d = edit({
      cdroms: { sda: { action: 'insert', iso: 'isos/debian.iso' } },
      bootOrder: ['cdrom', 'hd'],
      autostart: 'on',
      description: 'front end, v2',
      labels: 'tier=web\nenv=staging',
    });
    expect(draftChanges(d, vm)).toEqual([
      { kind: 'cdrom-insert', target: 'sda', pool: 'isos', volume: 'debian.iso' },
      { kind: 'boot-order', order: ['cdrom', 'hd'] },
      { kind: 'autostart', enabled: true },
      { kind: 'description', text: 'front end, v2' },
      { kind: 'labels', labels: { tier: 'web', env: 'staging' } },
    ]);
    expect(draftChanges(edit({ cdroms: { sda: { action: 'eject' } } }), vm)).toEqual([
      { kind: 'cdrom-eject', target: 'sda' },
    ]);
  });

  it('labels in another order are the same labels; a malformed line is an error and no change', () => {
    expect(draftChanges(edit({ labels: 'env=prod\ntier=web' }), vm)).toEqual([]);
    const bad = edit({ labels: 'tier' });
    expect(draftChanges(bad, vm)).toEqual([]);
    expect(validateDraft(bad, ctx).labels).toBe('Line 1: write each label as key=value');
  });

  it('detaching with the volume and removing a NIC need a confirmation; a plain detach does not', () => {
    const mac = '52:54:00:aa:bb:cc';
    const changes = draftChanges(
      edit({
        disks: {
          vda: { growGiB: '', detach: true, deleteVolume: false },
          vdb: { growGiB: '', detach: true, deleteVolume: true },
        },
        nics: { [mac]: { remove: true, network: 'default', model: 'virtio' } },
      }),
      vm,
    );
    expect(destructiveChanges(changes, vm)).toEqual([
      'Disk vdb is detached and its volume /p/data.qcow2 is deleted',
      `NIC ${mac} (on default) is removed`,
    ]);
  });

  it('the request as a whole is checked by the shared schema: the same volume twice is named', () => {
    const changes = draftChanges(
      edit({
        existingDisks: [
          { key: 1, volume: 'default/a.qcow2', bus: 'virtio' },
          { key: 2, volume: 'default/a.qcow2', bus: 'virtio' },
        ],
      }),
      vm,
    );
    expect(requestErrors(vm.id, changes)).toEqual(['The same volume is attached twice']);
    expect(requestErrors(vm.id, [])).toEqual([]);
  });

  it('GiB as typed becomes whole MiB', () => {
    expect(gibToBytes('1')).toBe(GiB);
    expect(gibToBytes(' 0.5 ')).toBe(512 * MiB);
    expect(gibToBytes('0')).toBeNull();
    expect(gibToBytes('-1')).toBeNull();
    expect(gibToBytes('1e3')).toBeNull();
  });

  it('a refused change is named by its kind and what it is about', () => {
    expect(changeTitle({ kind: 'disk-grow', target: 'vda', sizeBytes: GiB })).toBe('Grow disk vda');
    expect(changeTitle({ kind: 'nic-remove', mac: '52:54:00:aa:bb:cc' })).toBe(
      'Remove NIC 52:54:00:aa:bb:cc',
    );
    expect(changeTitle({ kind: 'disk-add-new', pool: 'default', sizeBytes: GiB })).toBe(
      'New disk in default',
    );
    expect(changeTitle({ kind: 'nic-add', network: 'lan', model: 'virtio' })).toBe('New NIC on lan');
    expect(changeTitle({ kind: 'memory', currentBytes: GiB })).toBe('Memory');
  });
});
