/**
 * The SSH connection to the host (kvm-a, onto the testbed's libvirtd) cut in the middle of the template
 * operations, the TCP socket under ssh2 destroyed as the network would:
 * - while "convert to template" waits for a guest to shut down: the wait goes on over a new connection and
 *   ends as it would have (this guest never stops: the task fails at its time limit), nothing changed (the
 *   VM still runs, its disk writable, not a template);
 * - while "detach" rebases a linked clone's disk: the task fails; whether qemu-img, left without its
 *   connection, finished on the host or not, the clone's data is whole, and the next detach ends the job.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  defineCloneSource,
  imgInfo,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { virsh } from '../../helpers/domains';
import { addSshHost, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { cutSsh, defineOverlayVm, hostProcesses } from '../../helpers/templates';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!testbed)(`the SSH connection cut in a template operation ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  let src: CloneSource;
  let srcId = '';
  let link = { name: '', disk: '' };
  const cut = () => cutSsh(t.app, hostId);

  beforeAll(async () => {
    src = defineCloneSource({ size: '1G' });
    expect(qemuIo(src.disk, 'write -P 0x5a 0 512M')).toBe(true);
    t = startTestApp(undefined, { shutdownTimeoutMs: 8000, rollbackRetryMs: 60_000 });
    hostId = await addSshHost(t.client, 'kvm-a');
    srcId = await vmIdOf(t.client, hostId, src.name);
  });
  afterAll(() => {
    t?.dispose();
    if (link.disk) removeDomainAndFiles(link.name, [link.disk]);
    spawnSync('chmod', ['u+w', src.disk]);
    removeCloneSource(src);
  });

  afterAll(() => spawnSync('virsh', ['-c', 'qemu:///system', 'destroy', src.name]));

  it('convert: cut while the guest is asked to shut down; the wait goes on, nothing is left changed', async () => {
    virsh('start', src.name);
    const { taskId } = await t.client.call('vms.convertToTemplate', { vmId: srcId, shutDown: true });
    // This guest has no OS: it ignores the request, and the task waits until the cut.
    const end = Date.now() + 30_000;
    while (
      !(await t.client.call('tasks.get', { id: taskId })).steps.some(
        (s) => s.name === 'shutdown' && s.state === 'running',
      )
    ) {
      if (Date.now() > end) throw new Error('the shutdown step never ran');
      await sleep(50);
    }
    await sleep(1500);
    await cut();
    const task = await waitTask(t.client, taskId, 120_000);
    await t.app.provisioning.drain();
    expect(task.state).toBe('failed');
    expect(task.error?.message).toMatch(/did not shut down within 8 s/);
    expect(virsh('domstate', src.name).trim()).toBe('running');
    expect(statSync(src.disk).mode & 0o200).not.toBe(0);
    expect((await t.client.call('vms.get', { id: srcId })).template).toBe(false);
    virsh('destroy', src.name);
  }, 180_000);

  it('detach: cut while qemu-img rebases; the data is whole, and detach again finishes', async () => {
    const conv = await t.client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false });
    expect((await waitTask(t.client, conv.taskId)).state).toBe('succeeded');
    link = defineOverlayVm(src.disk, 'qhci-t-tmcut');
    const linkId = await vmIdOf(t.client, hostId, link.name);
    t.app.repos.vms.setParent(linkId, srcId, true);

    const { taskId } = await t.client.call('vms.detach', { vmId: linkId });
    const rebasing = `qemu-img rebase .*${link.name}-disk0`;
    const end = Date.now() + 60_000;
    while ((await hostProcesses(rebasing)) === 0) {
      if (Date.now() > end) throw new Error('qemu-img rebase never ran on the host');
      await sleep(20);
    }
    await cut();
    const task = await waitTask(t.client, taskId, 120_000);
    await t.app.provisioning.drain();
    expect(task.state).toBe('failed');
    while ((await hostProcesses(rebasing)) > 0) await sleep(100);
    expect(qemuIo(link.disk, 'read -P 0x5a 0 512M')).toBe(true);
    expect((await t.client.call('vms.get', { id: linkId })).linked).toBe(true);

    const again = await t.client.call('vms.detach', { vmId: linkId });
    expect((await waitTask(t.client, again.taskId, 120_000)).state).toBe('succeeded');
    expect(imgInfo(link.disk)['backing-filename']).toBeUndefined();
    expect(qemuIo(link.disk, 'read -P 0x5a 0 512M')).toBe(true);
    expect((await t.client.call('vms.get', { id: linkId })).linked).toBe(false);
  }, 300_000);
});
