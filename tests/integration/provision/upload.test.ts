/**
 * Image uploads: a workstation file to an SSH host, and that image on to another host, each as a task with
 * progress and a SHA-256 check of the copy on the host.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/shared/domain/provision';
import { startTestApp, tempDir, type TestApp } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { addSshHost, POOL, POOL_DIR, removeVolume, uniq, waitTask } from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const OTHER_POOL = 'qhci-t-upload';
const OTHER_DIR = '/var/lib/libvirt/images/qhci-t-upload';

describe.skipIf(!testbed)(`image uploads ${NO_TESTBED}`, () => {
  let t: TestApp;
  let sshHost: string;
  let localHost: string;
  const name = `${uniq('qt-up')}-cloud.img`;
  const file = join(tempDir(), name);
  const progress: number[] = [];

  beforeAll(async () => {
    // 40 MiB of random bytes: more than one upload chunk, and nothing compresses it.
    writeFileSync(file, randomBytes(40 * 1024 * 1024));
    mkdirSync(OTHER_DIR, { recursive: true });
    virsh('pool-create-as', OTHER_POOL, 'dir', '--target', OTHER_DIR);
    t = startTestApp();
    t.app.subscribe((e, p) => {
      if (e === 'task.progress') progress.push((p as { task: Task }).task.progress);
    });
    sshHost = await addSshHost(t.client, 'kvm-a');
    localHost = (
      await t.client.call('hosts.add', {
        name: 'local',
        connection: { kind: 'libvirt', uri: 'qemu:///system' },
      })
    ).id;
  });
  afterAll(() => {
    t.dispose();
    removeVolume(name);
    try {
      virsh('vol-delete', '--pool', OTHER_POOL, name);
    } catch {
      /* gone */
    }
    virsh('pool-destroy', OTHER_POOL);
    rmSync(OTHER_DIR, { recursive: true, force: true });
    rmSync(file, { force: true });
  });

  it('uploads a workstation file to an SSH host, with progress, and checks its SHA-256 there', async () => {
    const { taskId } = await t.client.call('images.upload', {
      hostId: sshHost,
      pool: POOL,
      sourcePath: file,
    });
    const task = await waitTask(t.client, taskId);
    expect(task.error).toBeNull();
    expect(task.steps.find((s) => s.name === 'upload')?.detail).toMatch(/SHA-256 [0-9a-f]{12}… verified/);
    expect(readFileSync(join(POOL_DIR, name)).equals(readFileSync(file))).toBe(true);
    // More than one chunk: progress moved in between.
    expect(progress.filter((p) => p > 0 && p < 1).length).toBeGreaterThan(1);
    const img = (await t.client.call('images.list', { hostId: sshHost })).find((i) => i.name === name);
    expect(img).toBeDefined();
  });

  it("copies another host's image into a pool, and refuses to overwrite a volume", async () => {
    const source = (await t.client.call('images.list', { hostId: sshHost })).find((i) => i.name === name)!;
    const { taskId } = await t.client.call('images.upload', {
      hostId: localHost,
      pool: OTHER_POOL,
      sourceImageId: source.id,
    });
    const task = await waitTask(t.client, taskId);
    expect(task.error).toBeNull();
    expect(execFileSync('cmp', [join(OTHER_DIR, name), file]).length).toBe(0);
    const again = await t.client.call('images.upload', {
      hostId: localHost,
      pool: OTHER_POOL,
      sourceImageId: source.id,
    });
    const refused = await waitTask(t.client, again.taskId);
    expect(refused.error).toMatchObject({ code: 'CONFLICT' });
    // The refused upload did not remove the volume that was there.
    expect(readFileSync(join(OTHER_DIR, name)).equals(readFileSync(file))).toBe(true);
  });

  it('refuses a pool the host does not have, and a missing file fails the task with a reason', async () => {
    await expect(
      t.client.call('images.upload', { hostId: sshHost, pool: 'no-such-pool', sourcePath: file }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'pool' });
    const { taskId } = await t.client.call('images.upload', {
      hostId: sshHost,
      pool: POOL,
      sourcePath: '/nonexistent/qt-missing.img',
    });
    const task = await waitTask(t.client, taskId);
    expect(task.error?.message).toMatch(/Cannot read \/nonexistent/);
  });
});
