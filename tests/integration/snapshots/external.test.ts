/**
 * External snapshots, as far as the testbed's libvirt 9.0 allows: it takes them (here with virsh, as
 * another tool would) but reverts them only from 9.9 on and does not report `<externalSnapshot/>`. So QHCI
 * refuses to add to such a VM (one VM never mixes modes) and says why; and deleting the VM removes its
 * external overlay and the disk beneath it, never the shared base image under both.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { startTestApp, type TestApp } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { addLocalHost, domainNames, makeCloudImage, removeVolume } from '../../helpers/provision';
import { defineDiskVm, removeDiskVm, vmIdOf, type DiskVm } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`external snapshots on libvirt 9.0 ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  let vm: DiskVm;
  const base = { name: '', path: '' };
  const overlay = () => `${vm.disk}.e1`;

  beforeAll(async () => {
    Object.assign(base, makeCloudImage(`qhci-t-snapbase-${Date.now()}-cloud.qcow2`, '16M'));
    vm = defineDiskVm({ backing: base.path });
    virsh(
      'snapshot-create-as',
      '--domain',
      vm.uuid,
      '--name',
      'e1',
      '--disk-only',
      '--diskspec',
      `vda,snapshot=external,file=${overlay()}`,
    );
    t = startTestApp();
    hostId = await addLocalHost(t.client);
  });
  afterAll(() => {
    removeDiskVm(vm);
    rmSync(overlay(), { force: true });
    removeVolume(base.name);
    t.dispose();
  });

  it('lists the external snapshot, refuses another one with the reason, then deletes the VM but not the base', async () => {
    const vmId = await vmIdOf(t.client, hostId, vm.name);
    const tree = await t.client.call('snapshots.list', { vmId });
    expect(tree.roots.map((r) => [r.name, r.mode, r.memory])).toEqual([['e1', 'external', false]]);

    const plan = await t.client.call('snapshots.plan', { vmId, memory: false });
    expect(plan.mode).toBeNull();
    expect(plan.refusal).toMatch(/external snapshots.*9\.9.*libvirt 9\.0/);
    const err: unknown = await t.client
      .call('snapshots.create', { vmId, name: 'i1', memory: false })
      .catch((e: unknown) => e);
    expect(isAppErrorData(err) && err.code).toBe('UNSUPPORTED');

    await t.client.call('vms.delete', { vmId, deleteDisks: true });
    expect(domainNames()).not.toContain(vm.name);
    expect(existsSync(overlay())).toBe(false);
    expect(existsSync(vm.disk)).toBe(false);
    expect(existsSync(base.path)).toBe(true);
  });
});
