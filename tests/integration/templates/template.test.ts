/**
 * Templates on the real libvirt host (qemu:///system), through the contract: converting a shut-off VM makes
 * its disk read-only and marks it a template, which is then refused a start; a VM with snapshots, a running
 * VM without consent, and a guest that does not shut down in time are refused or rolled back with nothing
 * changed. A linked clone (an overlay on the template's disk, made by hand here) keeps the template from
 * being deleted, the refusal naming it; detaching it rebases its disk onto nothing with the template's data
 * in it, after which the template can go — its disk with it, never the base below.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  defineCloneSource,
  imgInfo,
  removeCloneSource,
  removeDomainAndFiles,
  sha256,
  type CloneSource,
} from '../../helpers/clones';
import { virsh } from '../../helpers/domains';
import { defineOverlayVm } from '../../helpers/templates';
import { addLocalHost, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const writable = (path: string) => (statSync(path).mode & 0o222) !== 0;

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isAppErrorData(err)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

describe.skipIf(!testbed)(`templates on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  let src: CloneSource;
  let srcId = '';
  let other: CloneSource;
  let link: { name: string; disk: string } | null = null;

  beforeAll(async () => {
    src = defineCloneSource();
    other = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(src.base, 'write -P 0xbb 1M 64k')).toBe(true);
    t = startTestApp(undefined, { shutdownTimeoutMs: 3000 });
    hostId = await addLocalHost(t.client);
    srcId = await vmIdOf(t.client, hostId, src.name);
  });
  afterAll(() => {
    if (link) removeDomainAndFiles(link.name, [link.disk]);
    for (const s of [src, other]) {
      if (!s) continue;
      spawnSync('chmod', ['u+w', s.disk]);
      removeCloneSource(s);
    }
    t.dispose();
  });

  it('refuses a VM with snapshots and a running VM without consent, changing nothing', async () => {
    virsh('snapshot-create-as', '--domain', src.name, '--name', 's1');
    try {
      const err = await refusal(t.client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false }));
      expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/1 snapshot: .*delete/) });
    } finally {
      virsh('snapshot-delete', '--domain', src.name, '--snapshotname', 's1');
    }
    const otherId = await vmIdOf(t.client, hostId, other.name);
    virsh('start', other.name);
    const running = await refusal(t.client.call('vms.convertToTemplate', { vmId: otherId, shutDown: false }));
    expect(running).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/running: it must be shut down/),
    });
    expect(writable(src.disk) && writable(other.disk)).toBe(true);
    expect((await t.client.call('vms.get', { id: otherId })).template).toBe(false);
  });

  it('rolls back a conversion whose guest does not shut down in time: still running, still writable', async () => {
    // This guest has no OS, so it ignores the ACPI shutdown request: the task gives up after 3 s.
    const otherId = await vmIdOf(t.client, hostId, other.name);
    const { taskId } = await t.client.call('vms.convertToTemplate', { vmId: otherId, shutDown: true });
    const task = await waitTask(t.client, taskId);
    expect(task.state).toBe('failed');
    expect(JSON.stringify(task)).toMatch(/did not shut down within 3 s/);
    expect(virsh('domstate', other.name).trim()).toBe('running');
    expect(writable(other.disk)).toBe(true);
    expect((await t.client.call('vms.get', { id: otherId })).template).toBe(false);
    virsh('destroy', other.name);
  });

  it('makes a shut-off VM a template: read-only disk, marked, never started', async () => {
    const xmlBefore = virsh('dumpxml', '--inactive', src.name);
    const { taskId } = await t.client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false });
    const task = await waitTask(t.client, taskId);
    expect(task.state).toBe('succeeded');
    expect(writable(src.disk)).toBe(false);
    expect(virsh('dumpxml', '--inactive', src.name)).toBe(xmlBefore);
    const vm = await t.client.call('vms.get', { id: srcId });
    expect(vm.template).toBe(true);
    const start = await refusal(t.client.call('vms.power', { vmId: srcId, action: 'start' }));
    expect(start).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is a template/) });
    expect(virsh('domstate', src.name).trim()).toBe('shut off');
    // Its disks are bases: no snapshot is taken, and the plan says why.
    const snap = await refusal(t.client.call('snapshots.create', { vmId: srcId, name: 's2', memory: false }));
    expect(snap).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is a template/) });
    const plan = await t.client.call('snapshots.plan', { vmId: srcId, memory: false });
    expect(plan.refusal).toMatch(/linked clones' bases/);
    expect(virsh('snapshot-list', '--name', src.name).trim()).toBe('');
    const again = await refusal(t.client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false }));
    expect(again.message).toMatch(/template already/);
  });

  it('keeps a template with linked clones; detach makes the clone whole and lets the template go', async () => {
    const templateSum = sha256(src.disk);
    link = defineOverlayVm(src.disk);
    const linkId = await vmIdOf(t.client, hostId, link.name);
    t.app.repos.vms.setParent(linkId, srcId, true);
    const del = await refusal(t.client.call('vms.delete', { vmId: srcId, deleteDisks: true }));
    expect(del).toMatchObject({ code: 'CONFLICT' });
    expect(del.message).toContain(link.name);
    expect(del.message).toMatch(/1 linked clone/);

    const notLinked = await refusal(t.client.call('vms.detach', { vmId: srcId }));
    expect(notLinked.message).toMatch(/not a linked clone/);

    const { taskId } = await t.client.call('vms.detach', { vmId: linkId });
    const task = await waitTask(t.client, taskId);
    expect(task.state).toBe('succeeded');
    expect(imgInfo(link.disk)['backing-filename']).toBeUndefined();
    // The template's data (its own and its base's) now lives in the clone's disk.
    expect(qemuIo(link.disk, 'read -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(link.disk, 'read -P 0xbb 1M 64k')).toBe(true);
    expect(sha256(src.disk)).toBe(templateSum);
    const clone = await t.client.call('vms.get', { id: linkId });
    expect(clone).toMatchObject({ linked: false, parentId: srcId });

    await t.client.call('vms.delete', { vmId: srcId, deleteDisks: true });
    expect(() => statSync(src.disk)).toThrow();
    expect(statSync(src.base).isFile()).toBe(true);
    expect(qemuIo(link.disk, 'read -P 0xaa 0 64k')).toBe(true);
  });

  it('refuses hostile input before anything runs', async () => {
    const bad = await refusal(
      t.client.call('vms.convertToTemplate', { vmId: '--all', shutDown: true } as never),
    );
    expect(bad.code).toBe('VALIDATION');
    const extra = await refusal(t.client.call('vms.detach', { vmId: randomUUID(), force: true } as never));
    expect(extra.code).toBe('VALIDATION');
  });
});
