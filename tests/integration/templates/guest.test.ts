/**
 * The real Debian guest (cloud-init, qemu-guest-agent) as a template: converted while running (a clean guest
 * shutdown), then a full clone and a linked clone of it each boot as a machine of their own — the fresh seed
 * gives each its own hostname (its name), a new machine-id and new SSH host keys, read through the guest
 * agent — while the template's disk stays byte for byte what it was and the linked clone's disk stands on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { cloneFiles, imgInfo, removeDomainAndFiles, sha256 } from '../../helpers/clones';
import { defineGuest, identity, stop } from '../../helpers/cloud-vm';
import { NO_GUEST } from '../../helpers/console-guest';
import { virsh } from '../../helpers/domains';
import { addLocalHost, uniq, waitTask } from '../../helpers/provision';
import { vmIdOf } from '../../helpers/snapshots';

describe.skipIf(NO_GUEST !== '')(`clones of the real guest made a template ${NO_GUEST}`, () => {
  let t: TestApp;
  const src = uniq('qhci-t-clsrc');
  const full = uniq('qhci-t-clone');
  const linked = uniq('qhci-t-clone');
  let files: { disk: string; seed: string } | undefined;

  beforeAll(() => {
    t = startTestApp();
  });
  afterAll(() => {
    for (const n of [linked, full]) removeDomainAndFiles(n, cloneFiles(n));
    if (files) removeDomainAndFiles(src, [files.disk, files.seed]);
    t.dispose();
  });

  it('a running guest becomes a template; its full and linked clones boot as themselves', async () => {
    files = defineGuest(src);
    virsh('start', src);
    const before = await identity(src);
    expect(before.hostname).toBe(src);

    const hostId = await addLocalHost(t.client);
    const vmId = await vmIdOf(t.client, hostId, src);
    const conv = await t.client.call('vms.convertToTemplate', { vmId, shutDown: true });
    const convTask = await waitTask(t.client, conv.taskId, 300_000);
    expect(convTask.state, JSON.stringify(convTask.error)).toBe('succeeded');
    expect(convTask.steps.find((s) => s.name === 'shutdown')?.detail).toMatch(/^Shut down in/);
    expect(virsh('domstate', src).trim()).toBe('shut off');
    const templateSum = sha256(files.disk);

    for (const [name, mode] of [
      [full, 'full'],
      [linked, 'linked'],
    ] as const) {
      const { taskId } = await t.client.call('vms.clone', { vmId, name, mode });
      const task = await waitTask(t.client, taskId, 600_000);
      expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
      virsh('start', name);
      const clone = await identity(name);
      await stop(name);
      expect(clone.hostname).toBe(name);
      expect(clone.machineId).toMatch(/^[0-9a-f]{32}$/);
      expect(clone.machineId).not.toBe(before.machineId);
      expect(clone.hostKey).toMatch(/^ssh-ed25519 /);
      expect(clone.hostKey.split(' ')[1]).not.toBe(before.hostKey.split(' ')[1]);
    }
    expect(imgInfo(cloneFiles(linked)[0]!)['backing-filename']).toBe(files.disk);
    expect(imgInfo(cloneFiles(full)[0]!)['backing-filename']).toBeUndefined();
    // The template is untouched: its disk, and it never ran again.
    expect(sha256(files.disk)).toBe(templateSum);
    expect(virsh('domstate', src).trim()).toBe('shut off');
  }, 2_400_000);
});
