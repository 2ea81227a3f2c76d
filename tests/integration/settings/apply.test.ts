/**
 * `vms.updateSettings` on the real libvirt (qemu:///system): every change kind applied to a shut-off VM and
 * read back with `virsh dumpxml --inactive` (and the volumes with vol-info), then to a running one (TCG, no
 * guest OS) and read back live and inactive. What needs a guest (a detach it must acknowledge) is reported
 * as pending, and the volume of a disk the guest has not released is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '../../../src/shared/domain/provision';
import type { Task } from '../../../src/shared/domain/provision';
import type { VmSettingsRequest } from '../../../src/shared/domain/vm-settings';
import { node, nodes, parseXml, text } from '../../../src/main/virt/xml';
import { startTestApp, type TestApp } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { addLocalHost, makeIso, POOL, POOL_DIR, waitTask } from '../../helpers/provision';
import { defineSettingsVm, removeSettingsVm, vmVolumes, type SettingsVm } from '../../helpers/settings';
import { vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const dom = (xml: string) => node(parseXml(xml), 'domain');
const devices = (xml: string) => node(dom(xml), 'devices');
const disks = (xml: string) => nodes(devices(xml), 'disk');
const diskAt = (xml: string, path: string) =>
  disks(xml).find((d) => text(node(d, 'source'), '@file') === path);
const diskOf = (xml: string, target: string) =>
  disks(xml).find((d) => text(node(d, 'target'), '@dev') === target);
const nics = (xml: string) => nodes(devices(xml), 'interface');
const nicOf = (xml: string, mac: string) => nics(xml).find((n) => text(node(n, 'mac'), '@address') === mac);
const capacity = (path: string) =>
  Number(/<capacity unit='bytes'>(\d+)</.exec(virsh('vol-dumpxml', path))?.[1] ?? NaN);

describe.skipIf(!testbed)(`vms.updateSettings on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  const vms: SettingsVm[] = [];
  const make = () => {
    const vm = defineSettingsVm();
    vms.push(vm);
    return vm;
  };
  const apply = async (vmId: string, changes: VmSettingsRequest['changes']): Promise<Task> => {
    const { taskId } = await t.client.call('vms.updateSettings', { vmId, changes });
    return waitTask(t.client, taskId, 120_000);
  };
  const inactive = (vm: SettingsVm) => virsh('dumpxml', '--inactive', vm.uuid);
  const live = (vm: SettingsVm) => virsh('dumpxml', vm.uuid);

  beforeAll(async () => {
    t = startTestApp();
    hostId = await addLocalHost(t.client);
  });
  afterAll(() => {
    for (const vm of vms) removeSettingsVm(vm);
    t.dispose();
  });

  it('a shut-off VM: every kind of change, in the definition and the inventory', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const iso = makeIso(`${vm.name}-install.iso`);
    const changes: VmSettingsRequest['changes'] = [
      { kind: 'vcpus', current: 3, maximum: 6 },
      { kind: 'memory', currentBytes: 192 * MiB, maximumBytes: 320 * MiB },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: 32 * MiB },
      { kind: 'disk-grow', target: 'vda', sizeBytes: 32 * MiB },
      { kind: 'nic-add', network: 'default', model: 'rtl8139' },
      { kind: 'nic-update', mac: vm.mac, model: 'e1000e' },
      { kind: 'cdrom-insert', pool: POOL, volume: iso.name },
      { kind: 'boot-order', order: ['cdrom', 'hd'] },
      { kind: 'description', text: 'web & <db>' },
      { kind: 'labels', labels: { env: 'prod' } },
      { kind: 'autostart', enabled: true },
    ];
    const preview = await t.client.call('vms.settingsPlan', { vmId, changes });
    expect(preview.refusals).toEqual([]);
    const task = await apply(vmId, changes);
    expect(task.error ?? null).toBeNull();
    expect(task.state).toBe('succeeded');

    const x = inactive(vm);
    expect(text(dom(x), 'vcpu')).toBe('6');
    expect(text(node(dom(x), 'vcpu'), '@current')).toBe('3');
    expect(text(dom(x), 'memory')).toBe(String(320 * 1024));
    expect(text(dom(x), 'currentMemory')).toBe(String(192 * 1024));
    const disk1 = `${POOL_DIR}/${vm.name}-disk1.qcow2`;
    expect(text(node(diskAt(x, disk1), 'target'), '@dev')).toBe('vdb');
    expect(capacity(disk1)).toBe(32 * MiB);
    expect(capacity(vm.disk)).toBe(32 * MiB);
    expect(nics(x)).toHaveLength(2);
    expect(text(node(nicOf(x, vm.mac), 'model'), '@type')).toBe('e1000e');
    // The new NIC has the MAC the preview showed.
    const added = nics(x).find((n) => text(node(n, 'mac'), '@address') !== vm.mac)!;
    expect(preview.xmlAfter).toContain(`<mac address='${text(node(added, 'mac'), '@address')}'/>`);
    expect(text(node(added, 'model'), '@type')).toBe('rtl8139');
    expect(text(node(diskAt(x, iso.path), 'target'), '@dev')).toBe('sda');
    expect(nodes(node(dom(x), 'os'), 'boot').map((b) => text(b, '@dev'))).toEqual(['cdrom', 'hd']);
    expect(text(dom(x), 'description')).toBe('web & <db>');
    expect(virsh('dominfo', vm.uuid)).toMatch(/Autostart:\s+enable/);

    const row = await t.client.call('vms.get', { id: vmId });
    expect(row).toMatchObject({
      labels: { env: 'prod' },
      description: 'web & <db>',
      vcpus: 6,
      memoryBytes: 320 * MiB,
    });
    expect(row.details.disks?.map((d) => d.target)).toEqual(expect.arrayContaining(['vda', 'vdb', 'sda']));
    const images = await t.client.call('images.list', { hostId });
    expect(images.find((i) => i.path === disk1)).toMatchObject({ virtualBytes: 32 * MiB });

    // Then: detach (deleting its volume), an existing volume attached, the NIC removed, the ISO ejected.
    virsh(
      'vol-create-as',
      '--pool',
      POOL,
      '--name',
      `${vm.name}-data.raw`,
      '--capacity',
      '8M',
      '--format',
      'raw',
    );
    const task2 = await apply(vmId, [
      { kind: 'disk-detach', target: 'vdb', deleteVolume: true },
      { kind: 'disk-add-existing', pool: POOL, volume: `${vm.name}-data.raw` },
      { kind: 'nic-remove', mac: text(node(added, 'mac'), '@address')! },
      { kind: 'cdrom-eject', target: 'sda' },
      { kind: 'autostart', enabled: false },
    ]);
    expect(task2.error ?? null).toBeNull();
    expect(task2.result).toMatchObject({ deleted: [`${POOL}/${vm.name}-disk1.qcow2`], left: [] });
    const y = inactive(vm);
    expect(diskAt(y, disk1)).toBeUndefined();
    expect(text(node(diskAt(y, `${POOL_DIR}/${vm.name}-data.raw`), 'driver'), '@type')).toBe('raw');
    expect(nics(y)).toHaveLength(1);
    expect(node(diskOf(y, 'sda'), 'source')).toBeUndefined();
    expect(virsh('dominfo', vm.uuid)).toMatch(/Autostart:\s+disable/);
    expect(vmVolumes(vm)).toEqual([`${vm.name}-data.raw`, `${vm.name}-install.iso`, `${vm.name}.qcow2`]);
    const images2 = await t.client.call('images.list', { hostId });
    expect(images2.find((i) => i.path === disk1)).toBeUndefined();
  });

  it('a running VM: vCPUs, memory, a disk, a NIC, growth and the description live and kept', async () => {
    const vm = make();
    virsh('start', vm.uuid);
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const task = await apply(vmId, [
      { kind: 'vcpus', current: 2 },
      { kind: 'memory', currentBytes: 96 * MiB },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB },
      { kind: 'nic-add', network: 'default' },
      { kind: 'disk-grow', target: 'vda', sizeBytes: 24 * MiB },
      { kind: 'description', text: '--live looks like an option' },
    ]);
    expect(task.error ?? null).toBeNull();
    expect(task.result).toMatchObject({
      changes: [
        { kind: 'vcpus', effect: 'both' },
        { kind: 'memory', effect: 'both' },
        { kind: 'disk-add-new', effect: 'both' },
        { kind: 'nic-add', effect: 'both' },
        { kind: 'disk-grow', effect: 'both' },
        { kind: 'description', effect: 'both' },
      ],
    });
    const disk1 = `${POOL_DIR}/${vm.name}-disk1.qcow2`;
    // The balloon's target is set live, but the live XML shows what the guest gave back: nothing, with no
    // guest OS (the guest test sees it in /proc/meminfo). The next boot's is the new size.
    expect(text(dom(inactive(vm)), 'currentMemory')).toBe(String(96 * 1024));
    for (const x of [live(vm), inactive(vm)]) {
      expect(text(node(dom(x), 'vcpu'), '@current')).toBe('2');
      expect(text(node(diskAt(x, disk1), 'target'), '@dev')).toBe('vdb');
      expect(nics(x)).toHaveLength(2);
      expect(text(dom(x), 'description')).toBe('--live looks like an option');
    }
    expect(capacity(vm.disk)).toBe(24 * MiB);
    expect(virsh('domblkinfo', vm.uuid, 'vda')).toMatch(/Capacity:\s+25165824/);

    // Fewer vCPUs: where QEMU cannot unplug one (this TCG guest's qemu64 vCPUs), the next boot has them.
    const fewer = await apply(vmId, [{ kind: 'vcpus', current: 1 }]);
    expect(fewer.state).toBe('succeeded');
    expect(text(node(dom(inactive(vm)), 'vcpu'), '@current')).toBe('1');
    const deferred = (fewer.result as { deferred: string[] }).deferred;
    const liveNow = text(node(dom(live(vm)), 'vcpu'), '@current');
    if (liveNow === '2') expect(deferred).toEqual([expect.stringMatching(/^vCPUs 2 → 1: at next boot \(/)]);
    else expect(deferred).toEqual([]);

    // A detach needs the guest to let the device go: with no guest OS it is requested and stays pending.
    const mac = text(
      node(
        nics(live(vm)).find((n) => text(node(n, 'mac'), '@address') !== vm.mac),
        'mac',
      ),
      '@address',
    )!;
    const task2 = await apply(vmId, [
      { kind: 'disk-detach', target: 'vdb', deleteVolume: true },
      { kind: 'nic-remove', mac },
    ]);
    expect(task2.error ?? null).toBeNull();
    const result = task2.result as { pendingDetach: string[]; deleted: string[]; left: string[] };
    const x = inactive(vm);
    expect(diskAt(x, disk1)).toBeUndefined();
    expect(nicOf(x, mac)).toBeUndefined();
    const now = live(vm);
    // What the task found pending may complete since (the guest's unplug is asynchronous); what it found
    // done stays done.
    if (!result.pendingDetach.includes('disk vdb')) expect(diskAt(now, disk1)).toBeUndefined();
    if (!result.pendingDetach.includes(`NIC ${mac}`)) expect(nicOf(now, mac)).toBeUndefined();
    if (result.pendingDetach.includes('disk vdb')) {
      expect(result.left).toEqual([
        `${POOL}/${vm.name}-disk1.qcow2 (the guest has not released the disk yet)`,
      ]);
      expect(vmVolumes(vm)).toContain(`${vm.name}-disk1.qcow2`);
    } else {
      expect(result.deleted).toEqual([`${POOL}/${vm.name}-disk1.qcow2`]);
    }
  });
});
