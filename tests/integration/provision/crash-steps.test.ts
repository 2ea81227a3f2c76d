/**
 * A crash at every step of every operation: a separate process runs the operation and SIGKILLs itself as a
 * step starts, or right after a step's first undo record is on disk. The next app opened on the inventory
 * must find the task's owner gone, clean up, and leave nothing behind: no half-made VM, volume or inventory
 * entry, no half-deleted VM, no reservation.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { processIsAlive } from '../../../src/main/tasks/ownership';
import type { Task } from '../../../src/shared/domain/provision';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, REPO_ROOT, tempDir } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import type { ChildOp } from '../../helpers/op-child';
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
import { NO_TESTBED, testbed } from '../../helpers/testbed';

type Point = readonly [step: string, at: 'start' | 'undo'];

/** Runs the operation in a child that kills itself at the point; resolves once its process is gone. */
async function crashAt(dataDir: string, op: ChildOp, [step, at]: Point): Promise<string> {
  const child = spawn(
    join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [join(REPO_ROOT, 'tests/helpers/op-child.ts'), dataDir, JSON.stringify(op), step, at],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  let pid = 0;
  let last = '';
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const m = /^PID (\d+)$/.exec(l);
    if (m) pid = Number(m[1]);
    else last = l;
  });
  await new Promise((r) => child.on('close', r));
  const deadline = Date.now() + 10_000;
  while (pid && processIsAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return last;
}

/** Opens the inventory as the next app would: it reconciles at once. */
async function reopen(dataDir: string): Promise<{ app: App; client: QhciClient }> {
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'test', reconcileEveryMs: 0 });
  await app.ready;
  return { app, client: createClient(inProcessBridge(app)) };
}

async function lastTask(client: QhciClient, kind: string): Promise<Task> {
  const t = (await client.call('tasks.list', {})).find((x) => x.kind === kind);
  if (!t) throw new Error(`no ${kind} task`);
  return waitTask(client, t.id, 5000);
}

const reservations = (app: App) =>
  (app.inventory.db.prepare('SELECT count(*) AS n FROM reservations').get() as { n: number }).n;

describe.skipIf(!testbed)(`a crash at every step leaves nothing behind ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let hostId = '';
  let imageId = '';
  const image = { name: '', path: '' };

  beforeAll(async () => {
    Object.assign(image, makeCloudImage());
    const { app, client } = await reopen(dataDir);
    hostId = await addLocalHost(client);
    imageId = (await client.call('images.list', { hostId })).find((i) => i.name === image.name)!.id;
    app.close();
  });
  afterAll(() => {
    removeVolume(image.name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const request = (name: string) => cloudRequest(name, imageId, { start: true });

  it.each<Point>([
    ['image', 'start'],
    ['disks', 'start'],
    ['disks', 'undo'],
    ['seed', 'start'],
    ['seed', 'undo'],
    ['define', 'start'],
    ['define', 'undo'],
    ['start', 'start'],
    ['ready', 'start'],
    ['done', 'start'],
  ])('creation, killed at %s (%s)', async (step, at) => {
    const name = uniq('qt-crash');
    expect(await crashAt(dataDir, { op: 'create', request: request(name) }, [step, at])).toBe(
      `KILL vm.create:${step}:${at}`,
    );
    const { app, client } = await reopen(dataDir);
    try {
      const task = await lastTask(client, 'vm.create');
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      expect(domainNames()).not.toContain(name);
      expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
      expect((await client.call('vms.list', {})).map((v) => v.name)).not.toContain(name);
      expect(reservations(app)).toBe(0);
    } finally {
      app.close();
    }
  });

  it.each<[...Point, 'whole' | 'gone']>([
    ['inspect', 'start', 'whole'],
    ['domain', 'start', 'whole'],
    ['domain', 'undo', 'whole'],
    ['volumes', 'start', 'gone'],
    ['forget', 'start', 'gone'],
  ])('deletion, killed at %s (%s): the VM is left %s', async (step, at, expected) => {
    const name = uniq('qt-del');
    let vmId: string;
    {
      const { app, client } = await reopen(dataDir);
      const started = await client.call('vms.create', { request: { ...request(name), start: false } });
      expect((await waitTask(client, started.taskIds[0]!)).state).toBe('succeeded');
      vmId = started.vmIds[0]!;
      app.close();
    }
    expect(await crashAt(dataDir, { op: 'delete', vmId }, [step, at])).toBe(`KILL vm.delete:${step}:${at}`);
    const { app, client } = await reopen(dataDir);
    try {
      const task = await lastTask(client, 'vm.delete');
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      const listed = (await client.call('vms.list', {})).some((v) => v.id === vmId);
      const volumes = poolVolumes().filter((v) => v.startsWith(`${name}-`));
      if (expected === 'whole') {
        expect(domainNames()).toContain(name);
        expect(volumes.sort()).toEqual([`${name}-cidata.iso`, `${name}-disk0.qcow2`]);
        expect(listed).toBe(true);
        // Whole, and free again: the deletion can be done now.
        await client.call('vms.delete', { vmId, deleteDisks: true });
      } else {
        expect(task.error?.rolledBack).toEqual(expect.arrayContaining([`inventory entry of VM ${name}`]));
      }
      expect(domainNames()).not.toContain(name);
      expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
      expect((await client.call('vms.list', {})).some((v) => v.id === vmId)).toBe(false);
    } finally {
      app.close();
    }
  });

  it.each<Point>([
    ['check', 'start'],
    ['upload', 'start'],
    ['upload', 'undo'],
    ['record', 'start'],
  ])('upload, killed at %s (%s)', async (step, at) => {
    const name = `${uniq('qt-upc')}.img`;
    const file = join(tempDir(), name);
    writeFileSync(file, randomBytes(2 * MiB));
    expect(await crashAt(dataDir, { op: 'upload', hostId, pool: POOL, sourcePath: file }, [step, at])).toBe(
      `KILL image.upload:${step}:${at}`,
    );
    const { app, client } = await reopen(dataDir);
    try {
      const task = await lastTask(client, 'image.upload');
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      expect(poolVolumes()).not.toContain(name);
    } finally {
      app.close();
      removeVolume(name);
    }
  });

  it.each<[...Point, boolean]>([
    ['check', 'start', true],
    ['delete', 'start', true],
    ['delete', 'undo', true],
    ['record', 'start', false],
  ])('image deletion, killed at %s (%s): the volume is kept: %s', async (step, at, kept) => {
    const name = `${uniq('qt-imc')}.img`;
    virsh('vol-create-as', POOL, name, '1M', '--format', 'raw');
    let id: string;
    {
      const { app, client } = await reopen(dataDir);
      await client.call('hosts.sync', { id: hostId });
      id = (await client.call('images.list', { hostId })).find((i) => i.name === name)!.id;
      app.close();
    }
    expect(await crashAt(dataDir, { op: 'delete-image', id }, [step, at])).toBe(
      `KILL image.delete:${step}:${at}`,
    );
    const { app, client } = await reopen(dataDir);
    try {
      const task = await lastTask(client, 'image.delete');
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      // The host and the inventory agree, whichever side of the deletion the crash fell.
      expect(poolVolumes().includes(name)).toBe(kept);
      expect((await client.call('images.list', { hostId })).some((i) => i.name === name)).toBe(kept);
    } finally {
      app.close();
      removeVolume(name);
    }
  });
});
