/**
 * Fault injection: each step of a creation fails in turn — for real, on the testbed — and each time nothing
 * the task created is left on the host or in the inventory, and the task has failed with a reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/shared/domain/provision';
import { createApp } from '../../../src/main/app';
import { createClient } from '../../../src/shared/ipc/transport';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { MIGRATIONS_DIR, startTestApp, tempDir, type TestApp } from '../../helpers/app';
import { defineDomain, domstate, removeDomain, virsh } from '../../helpers/domains';
import {
  addLocalHost,
  cloudRequest,
  domainNames,
  makeCloudImage,
  MiB,
  POOL,
  poolVolumes,
  removeVolume,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { killChild, readyRunning, startCreateChild } from '../../helpers/killed-creation';
import { PrivateSshd } from '../../helpers/sshd';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const SMALL_POOL = 'qhci-t-small';
const SMALL_DIR = '/tmp/qhci-t-small-pool';
const NET = 'qhci-t-down';

const base = cloudRequest;

/** Nothing of VM `name` on the host, nor in the inventory; the task failed with a reason. */
async function expectClean(t: TestApp, name: string, task: Task, keepDomain = false) {
  expect(task.state).toBe('failed');
  expect(task.error?.message).toBeTruthy();
  if (!keepDomain) expect(domainNames()).not.toContain(name);
  expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
  expect((await t.client.call('vms.list', {})).map((v) => v.name)).not.toContain(name);
  // Every step that had recorded something to undo shows it was rolled back.
  expect(task.steps.filter((s) => s.state === 'failed').length).toBeLessThanOrEqual(1);
}

describe.skipIf(!testbed)(`creation faults on the testbed ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId: string;
  let imageId: string;
  const image = { name: '', path: '' };
  const strays: string[] = [];

  beforeAll(async () => {
    t = startTestApp();
    hostId = await addLocalHost(t.client);
    Object.assign(image, makeCloudImage());
    // A small pool on a 24 MiB tmpfs: it really fills up.
    mkdirSync(SMALL_DIR, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24M', 'tmpfs', SMALL_DIR]);
    virsh('pool-create-as', SMALL_POOL, 'dir', '--target', SMALL_DIR);
    await t.client.call('hosts.sync', { id: hostId });
    imageId = (await t.client.call('images.list', { hostId })).find((i) => i.name === image.name)!.id;
  });

  afterAll(() => {
    t?.dispose();
    removeVolume(image.name);
    strays.forEach(removeDomain);
    try {
      virsh('pool-destroy', SMALL_POOL);
    } catch {
      /* not there */
    }
    try {
      execFileSync('umount', [SMALL_DIR]);
    } catch {
      /* not mounted */
    }
    rmSync(SMALL_DIR, { recursive: true, force: true });
    try {
      virsh('net-undefine', NET);
    } catch {
      /* not there */
    }
  });

  it('the pool fills up: the disks made before are removed', async () => {
    const name = uniq('qt-full');
    // The inventory still says the small pool is empty; a file fills it behind its back.
    writeFileSync(join(SMALL_DIR, 'filler.bin'), Buffer.alloc(16 * MiB));
    try {
      const started = await t.client.call('vms.create', {
        request: base(name, imageId, {
          disks: [
            { kind: 'new', sizeBytes: 128 * MiB, pool: POOL },
            { kind: 'new', sizeBytes: 12 * MiB, pool: SMALL_POOL, thin: false },
          ],
        }),
      });
      const task = await waitTask(t.client, started.taskIds[0]!);
      expect(task.steps.find((s) => s.name === 'disks')?.state).toBe('failed');
      expect(task.error?.message).toMatch(/No space left/);
      expect(task.error?.rolledBack).toContain(`volume ${POOL}/${name}-disk0.qcow2`);
      await expectClean(t, name, task);
    } finally {
      rmSync(join(SMALL_DIR, 'filler.bin'), { force: true });
    }
  });

  it('define is rejected (a domain of that name appeared on the host): the other domain is left alone', async () => {
    const name = uniq('qt-clash');
    const other = defineDomain(name);
    strays.push(other.uuid);
    const started = await t.client.call('vms.create', { request: base(name, imageId) });
    const task = await waitTask(t.client, started.taskIds[0]!);
    expect(task.steps.find((s) => s.name === 'define')?.state).toBe('failed');
    expect(task.error?.message).toMatch(/already exists/);
    await expectClean(t, name, task, true);
    // Not ours: still defined, untouched.
    expect(domstate(other.uuid)).toBe('shut off');
  });

  it('start is rejected (its network went down): the domain and volumes are removed', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'net.xml'),
      `<network><name>${NET}</name><bridge name='qhcitdown0'/><ip address='10.254.77.1' netmask='255.255.255.0'/></network>`,
    );
    virsh('net-define', join(dir, 'net.xml'));
    virsh('net-start', NET);
    await t.client.call('hosts.sync', { id: hostId });
    virsh('net-destroy', NET);
    const name = uniq('qt-nostart');
    const started = await t.client.call('vms.create', {
      request: base(name, imageId, { nics: [{ network: NET }] }),
    });
    const task = await waitTask(t.client, started.taskIds[0]!);
    expect(task.steps.find((s) => s.name === 'start')?.state).toBe('failed');
    expect(task.error?.rolledBack).toEqual(
      expect.arrayContaining([`domain ${name}`, `volume ${POOL}/${name}-cidata.iso`]),
    );
    await expectClean(t, name, task);
  });

  it('sshd stops mid-task: the task fails, and rollback finishes once the host is back', async () => {
    const sshd = new PrivateSshd(join(tempDir(), 'sshd'), '127.0.0.9', 2299, 'qemu:///system');
    await sshd.start();
    const app = createApp({
      dataDir: tempDir(),
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      provisioning: { rollbackRetryMs: 60_000, readyPollMs: 300 },
    });
    const client = createClient(inProcessBridge(app));
    try {
      const h = await client.call('hosts.add', {
        name: 'kvm-private',
        connection: {
          kind: 'ssh',
          address: '127.0.0.9',
          port: 2299,
          user: 'qhci',
          auth: { method: 'key', keyFile: testbed!.clientKey },
          uri: 'qemu:///system',
        },
        acceptFingerprint: sshd.fingerprint,
      });
      const img = (await client.call('images.list', { hostId: h.id })).find((i) => i.name === image.name)!;
      const name = uniq('qt-sshd');
      const started = await client.call('vms.create', {
        request: base(name, img.id, { waitForReady: { timeoutSeconds: 600 } }),
      });
      const id = started.taskIds[0]!;
      // Wait until it is waiting for the guest: the disks, seed and domain exist on the host.
      for (;;) {
        const tk = await client.call('tasks.get', { id });
        if (tk.steps.find((s) => s.name === 'ready')?.state === 'running') break;
        if (tk.state !== 'running') throw new Error(`task ended early: ${JSON.stringify(tk.error)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(domainNames()).toContain(name);
      await sshd.stop();
      // The host is gone for a few seconds, then comes back.
      await new Promise((r) => setTimeout(r, 3000));
      await sshd.start();
      const task = await waitTask(client, id, 90_000);
      expect(task.error?.message).toBeTruthy();
      expect(task.error?.rolledBack).toEqual(expect.arrayContaining([`domain ${name}`]));
      expect(domainNames()).not.toContain(name);
      expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
      expect((await client.call('vms.list', {})).map((v) => v.name)).not.toContain(name);
    } finally {
      app.close();
      await sshd.stop();
    }
  });

  it('the process is killed mid-task: an app open on the same inventory rolls the task back and marks it interrupted', async () => {
    const dataDir = tempDir();
    // Set up the inventory in this process, then let a child create the VM on it.
    const setup = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'test' });
    const c1 = createClient(inProcessBridge(setup));
    const h = await c1.call('hosts.add', {
      name: 'local',
      connection: { kind: 'libvirt', uri: 'qemu:///system' },
    });
    const img = (await c1.call('images.list', { hostId: h.id })).find((i) => i.name === image.name)!;
    setup.close();
    const name = uniq('qt-killed');
    const started = await startCreateChild(
      dataDir,
      base(name, img.id, { waitForReady: { timeoutSeconds: 600 } }),
    );
    const { taskId } = started;
    // Kill it once the domain is defined and it waits for the guest.
    const deadline = Date.now() + 60_000;
    while (!domainNames().includes(name) || !(await readyRunning(dataDir, taskId))) {
      if (Date.now() > deadline) throw new Error('the child never got to the ready step');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Another app (the desktop app, say) is open on the same inventory: its start finds the task's owner alive
    // and leaves the task alone; a later look, after the kill, finds it gone.
    const next = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      reconcileEveryMs: 300,
    });
    try {
      await next.ready;
      const c2 = createClient(inProcessBridge(next));
      expect((await c2.call('tasks.get', { id: taskId })).state).toBe('running');
      // The killed process's reservation holds the VM's capacity until reconciliation releases it.
      const held = () =>
        (
          next.inventory.db
            .prepare('SELECT count(*) AS n FROM reservations WHERE task_id = ?')
            .get(taskId) as {
            n: number;
          }
        ).n;
      expect(held()).toBe(1);
      // (The domain was there before the kill: the wait above saw it. The open app may remove it any moment now.)
      await killChild(started);
      const task = await waitTask(c2, taskId, 20_000);
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      expect(task.error?.message).toMatch(/Interrupted/);
      expect(task.error?.rolledBack).toEqual(
        expect.arrayContaining([
          `domain ${name}`,
          `volume ${POOL}/${name}-disk0.qcow2`,
          `inventory entry of VM ${name}`,
        ]),
      );
      expect(domainNames()).not.toContain(name);
      expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
      expect((await c2.call('vms.list', {})).map((v) => v.name)).not.toContain(name);
      expect(held()).toBe(0);
    } finally {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        process.kill(-started.child.pid!, 'SIGKILL');
      }
      next.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Reads the task from the inventory file (WAL mode: another reader is fine). */
