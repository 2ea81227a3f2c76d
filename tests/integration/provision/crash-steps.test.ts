/**
 * A crash at every step of every operation: a separate process runs the operation and SIGKILLs itself as a
 * step starts, or right after a step's first undo record is on disk. The next app opened on the inventory
 * must find the task's owner gone, clean up, and leave nothing behind: no half-made VM, volume or inventory
 * entry, no half-deleted VM, no reservation.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/main/app';
import { tempDir } from '../../helpers/app';
import { crashAt, lastTask, reopen, type Point } from '../../helpers/crash';
import { virsh } from '../../helpers/domains';
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
