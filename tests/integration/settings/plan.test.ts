/**
 * `vms.settingsPlan` on the real libvirt (qemu:///system): the preview of a change is read from the host and
 * changes nothing; a running VM's changes say what happens live and what at next boot; growth that the host
 * cannot take is refused with the scheduler's own reasons; hostile input is refused before any host is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { MiB } from '../../../src/shared/domain/provision';
import { startTestApp, type TestApp } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { addLocalHost, POOL } from '../../helpers/provision';
import { defineSettingsVm, removeSettingsVm, vmVolumes, type SettingsVm } from '../../helpers/settings';
import { vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const GiB = 1024 * MiB;

describe.skipIf(!testbed)(`vms.settingsPlan on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  const vms: SettingsVm[] = [];
  const make = () => {
    const vm = defineSettingsVm();
    vms.push(vm);
    return vm;
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!isAppErrorData(err)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  };

  beforeAll(async () => {
    t = startTestApp();
    hostId = await addLocalHost(t.client);
  });
  afterAll(() => {
    for (const vm of vms) removeSettingsVm(vm);
    t.dispose();
  });

  it('a shut-off VM: the new definition, next-boot effects and the volumes, nothing changed', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const before = virsh('dumpxml', '--inactive', vm.uuid);
    const p = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [
        { kind: 'vcpus', current: 2 },
        { kind: 'memory', currentBytes: 192 * MiB },
        { kind: 'disk-add-new', pool: POOL, sizeBytes: 32 * MiB },
        { kind: 'nic-add', network: 'default' },
      ],
    });
    expect(p.running).toBe(false);
    expect(p.refusals).toEqual([]);
    expect(p.xmlBefore).toBe(before);
    expect(p.xmlAfter).toContain("<vcpu placement='static' current='2'>4</vcpu>");
    expect(p.xmlAfter).toContain(
      `<source file='/var/lib/libvirt/images/qhci-testbed/${vm.name}-disk1.qcow2'/>`,
    );
    expect(p.changes.map((c) => c.effect)).toEqual(['next-boot', 'next-boot', 'next-boot', 'next-boot']);
    expect(p.volumes).toEqual({ create: [`${POOL}/${vm.name}-disk1.qcow2`], grow: [], delete: [] });
    // The disk grows the host's pool: the scheduler judged the VM's host.
    expect(p.fit).toMatchObject({ hostId, feasible: true });
    // The same request plans the same document (the new NIC's MAC comes from the definition).
    const again = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [
        { kind: 'vcpus', current: 2 },
        { kind: 'memory', currentBytes: 192 * MiB },
        { kind: 'disk-add-new', pool: POOL, sizeBytes: 32 * MiB },
        { kind: 'nic-add', network: 'default' },
      ],
    });
    expect(again.xmlAfter).toBe(p.xmlAfter);
    expect(virsh('dumpxml', '--inactive', vm.uuid)).toBe(before);
    expect(vmVolumes(vm)).toEqual([`${vm.name}.qcow2`]);
  });

  it('growth the host cannot take is refused with the scheduler reasons', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const p = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [{ kind: 'memory', currentBytes: 8192 * GiB, maximumBytes: 8192 * GiB }],
    });
    expect(p.fit).toMatchObject({ hostId, feasible: false, failed: ['cpu-memory'] });
    expect(p.refusals).toEqual([
      {
        index: -1,
        message: expect.stringMatching(
          /^The change does not fit on host local: Insufficient resources: memory/,
        ),
      },
    ]);
    // Shrinking grows nothing: no fit to judge.
    const shrink = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [{ kind: 'memory', currentBytes: 64 * MiB, maximumBytes: 128 * MiB }],
    });
    expect(shrink.fit).toBeNull();
    expect(shrink.refusals).toEqual([]);
  });

  it('a running VM: live where libvirt allows, the rest at next boot', async () => {
    const vm = make();
    virsh('start', vm.uuid);
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const p = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [{ kind: 'vcpus', current: 2 }],
    });
    expect(p.running).toBe(true);
    expect(p.changes).toEqual([expect.objectContaining({ kind: 'vcpus', effect: 'both' })]);
    const sata = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [{ kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB, bus: 'sata' }],
    });
    expect(sata.changes[0]).toMatchObject({ effect: 'next-boot', note: expect.stringContaining('SATA') });
  });

  it('refuses hostile and unknown names before anything runs', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const bad = await refusal(
      t.client.call('vms.settingsPlan', {
        vmId,
        changes: [{ kind: 'disk-add-existing', pool: '--pool=x', volume: 'v.qcow2' }],
      }),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION' });
    const missing = await t.client.call('vms.settingsPlan', {
      vmId,
      changes: [{ kind: 'disk-add-existing', pool: POOL, volume: 'qhci-t-none.qcow2' }],
    });
    expect(missing.refusals).toEqual([
      { index: 0, message: `Volume qhci-t-none.qcow2 is not in pool ${POOL}` },
    ]);
  });
});
