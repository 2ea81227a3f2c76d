/**
 * Snapshots on the real libvirt (qemu:///system, libvirt 9.0 on the testbed: internal snapshots), through the
 * contract: a shut-off VM's disk pattern comes back after a revert; a running VM's snapshot with memory
 * reverts to running; create and delete leave exactly what they should in `qemu-img snapshot -l` and
 * `virsh snapshot-list`; refusals (UEFI pflash, a name that is taken, hostile names) change nothing;
 * deleting a VM takes its snapshots' metadata with it.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { startTestApp, type TestApp } from '../../helpers/app';
import { domstate, virsh } from '../../helpers/domains';
import { addLocalHost, domainNames, POOL, poolVolumes, waitTask } from '../../helpers/provision';
import {
  defineDiskVm,
  qcowSnapshots,
  qemuIo,
  removeDiskVm,
  virshSnapshots,
  vmIdOf,
  type DiskVm,
} from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`snapshots on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  const vms: DiskVm[] = [];
  const make = (opts?: Parameters<typeof defineDiskVm>[0]) => {
    const vm = defineDiskVm(opts);
    vms.push(vm);
    return vm;
  };
  const task = async (p: Promise<{ taskId: string }>) => waitTask(t.client, (await p).taskId, 60_000);
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
    for (const vm of vms) removeDiskVm(vm);
    t.dispose();
  });

  it('a shut-off VM: snapshot, overwrite, revert, and the first pattern is back', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    expect(qemuIo(vm.disk, 'write -P 0xaa 0 64k')).toBe(true);

    const plan = await t.client.call('snapshots.plan', { vmId, memory: true });
    expect(plan).toMatchObject({ mode: 'internal', memory: false, vmState: 'shut off', refusal: null });

    const created = await task(
      t.client.call('snapshots.create', { vmId, name: 's1', description: 'pattern aa', memory: true }),
    );
    expect(created).toMatchObject({ state: 'succeeded', result: { mode: 'internal', memory: false } });
    expect(qcowSnapshots(vm.disk)).toEqual(['s1']);
    expect(virshSnapshots(vm.uuid)).toEqual(['s1']);

    expect(qemuIo(vm.disk, 'write -P 0x55 0 64k')).toBe(true);
    expect(qemuIo(vm.disk, 'read -P 0xaa 0 64k')).toBe(false);
    const reverted = await task(t.client.call('snapshots.revert', { vmId, name: 's1' }));
    expect(reverted).toMatchObject({
      state: 'succeeded',
      result: { stateBefore: 'shut off', stateAfter: 'shut off' },
    });
    expect(qemuIo(vm.disk, 'read -P 0xaa 0 64k')).toBe(true);

    // A second one stands on the first and becomes the current one.
    expect((await task(t.client.call('snapshots.create', { vmId, name: 's2', memory: false }))).state).toBe(
      'succeeded',
    );
    const tree = await t.client.call('snapshots.list', { vmId });
    expect(tree).toMatchObject({ count: 2, current: 's2' });
    expect(tree.roots).toHaveLength(1);
    expect(tree.roots[0]).toMatchObject({ name: 's1', description: 'pattern aa', current: false });
    expect(tree.roots[0]!.children.map((c) => [c.name, c.current, c.mode, c.memory])).toEqual([
      ['s2', true, 'internal', false],
    ]);
    expect(qcowSnapshots(vm.disk).sort()).toEqual(['s1', 's2']);

    // Deleting the parent keeps the child whole; then the child goes too.
    expect((await task(t.client.call('snapshots.delete', { vmId, names: ['s1'] }))).state).toBe('succeeded');
    expect(virshSnapshots(vm.uuid)).toEqual(['s2']);
    expect(qcowSnapshots(vm.disk)).toEqual(['s2']);
    expect((await t.client.call('snapshots.list', { vmId })).roots.map((r) => r.name)).toEqual(['s2']);
    expect((await task(t.client.call('snapshots.delete', { vmId, names: ['s2'] }))).state).toBe('succeeded');
    expect(virshSnapshots(vm.uuid)).toEqual([]);
    expect(qcowSnapshots(vm.disk)).toEqual([]);
  });

  it('a running VM: a snapshot with memory reverts to running', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    expect((await task(t.client.call('snapshots.create', { vmId, name: 'off', memory: false }))).state).toBe(
      'succeeded',
    );
    await t.client.call('vms.power', { vmId, action: 'start' });

    const plan = await t.client.call('snapshots.plan', { vmId, memory: true });
    expect(plan).toMatchObject({
      mode: 'internal',
      memory: true,
      vmState: 'running',
      memoryBytes: 64 * 1024 ** 2,
      pool: POOL,
      refusal: null,
    });
    expect(plan.poolFreeBytes).toBeGreaterThan(64 * 1024 ** 2);
    // Internal and disk-only is what libvirt refuses for a running VM: said before trying.
    const diskOnly = await t.client.call('snapshots.plan', { vmId, memory: false });
    expect(diskOnly.refusal).toMatch(/only with its memory/);
    expect((await refusal(t.client.call('snapshots.create', { vmId, name: 'x', memory: false }))).code).toBe(
      'UNSUPPORTED',
    );

    const created = await task(t.client.call('snapshots.create', { vmId, name: 'live', memory: true }));
    expect(created).toMatchObject({ state: 'succeeded', result: { memory: true } });
    expect((await t.client.call('snapshots.list', { vmId })).roots[0]!.children[0]).toMatchObject({
      name: 'live',
      memory: true,
      state: 'running',
    });

    virsh('destroy', vm.uuid);
    const reverted = await task(t.client.call('snapshots.revert', { vmId, name: 'live' }));
    expect(reverted).toMatchObject({
      state: 'succeeded',
      result: { stateBefore: 'shut off', stateAfter: 'running' },
    });
    expect(domstate(vm.uuid)).toBe('running');
    expect((await t.client.call('vms.get', { id: vmId })).state).toBe('running');
    // A running VM reverted to a snapshot taken shut off ends shut off.
    expect(await task(t.client.call('snapshots.revert', { vmId, name: 'off' }))).toMatchObject({
      state: 'succeeded',
      result: { stateBefore: 'running', stateAfter: 'shut off' },
    });
    expect((await t.client.call('vms.get', { id: vmId })).state).toBe('shutoff');
    expect((await task(t.client.call('snapshots.delete', { vmId, names: ['live', 'off'] }))).state).toBe(
      'succeeded',
    );
    expect(virshSnapshots(vm.uuid)).toEqual([]);
  });

  it('a UEFI VM (pflash) on libvirt 9.0 is refused before trying, with what is needed', async () => {
    const vm = make({ uefi: true });
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const plan = await t.client.call('snapshots.plan', { vmId, memory: false });
    expect(plan.mode).toBeNull();
    expect(plan.refusal).toMatch(/UEFI.*not possible on this host.*libvirt ≥ 9\.9/);
    const err = await refusal(t.client.call('snapshots.create', { vmId, name: 'u1', memory: false }));
    expect(err).toMatchObject({ code: 'UNSUPPORTED' });
    expect(err.message).toMatch(/pflash/);
    expect(virshSnapshots(vm.uuid)).toEqual([]);
    expect((await t.client.call('tasks.list', {})).filter((x) => x.targetId === vmId)).toEqual([]);
  });

  it('hostile and taken names are refused and change nothing', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    expect((await task(t.client.call('snapshots.create', { vmId, name: 'keep', memory: false }))).state).toBe(
      'succeeded',
    );
    for (const name of ['--current', '-x', 'a/b', '../etc', "it's", '<x>', 'a\nb', '$(id)', 'x'.repeat(65)]) {
      for (const call of [
        t.client.call('snapshots.create', { vmId, name, memory: false }),
        t.client.call('snapshots.revert', { vmId, name }),
        t.client.call('snapshots.delete', { vmId, names: [name] }),
      ]) {
        expect((await refusal(call)).code, name).toBe('VALIDATION');
      }
    }
    expect(
      await refusal(t.client.call('snapshots.create', { vmId, name: 'keep', memory: false })),
    ).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect((await refusal(t.client.call('snapshots.revert', { vmId, name: 'nope' }))).code).toBe('NOT_FOUND');
    expect((await refusal(t.client.call('snapshots.delete', { vmId, names: ['keep', 'nope'] }))).code).toBe(
      'NOT_FOUND',
    );
    expect(virshSnapshots(vm.uuid)).toEqual(['keep']);
    expect(qcowSnapshots(vm.disk)).toEqual(['keep']);
  });

  it("holds the VM's lock: power, deletion and another snapshot wait for it", async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const { taskId } = await t.client.call('snapshots.create', { vmId, name: 'first', memory: false });
    // The task runs (its steps need the host), so the VM is busy until it ends.
    for (const call of [
      t.client.call('vms.power', { vmId, action: 'start' }),
      t.client.call('snapshots.create', { vmId, name: 'second', memory: false }),
      t.client.call('vms.delete', { vmId, deleteDisks: true }),
    ]) {
      const err = await refusal(call);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/is busy: "Snapshot first of VM/);
    }
    expect((await waitTask(t.client, taskId)).state).toBe('succeeded');
    expect(virshSnapshots(vm.uuid)).toEqual(['first']);
    expect(domstate(vm.uuid)).toBe('shut off');
  });

  it('deleting a VM with snapshots removes their metadata, the VM and its disk', async () => {
    const vm = make();
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    for (const name of ['a', 'b']) {
      expect((await task(t.client.call('snapshots.create', { vmId, name, memory: false }))).state).toBe(
        'succeeded',
      );
    }
    await t.client.call('vms.delete', { vmId, deleteDisks: true });
    expect(domainNames()).not.toContain(vm.name);
    expect(existsSync(`/var/lib/libvirt/qemu/snapshot/${vm.name}`)).toBe(false);
    expect(poolVolumes()).not.toContain(`${vm.name}.qcow2`);
    expect(existsSync(vm.disk)).toBe(false);
  });
});
