/**
 * A process killed in the middle of each snapshot operation: the next app opened on the inventory finds
 * the task's owner gone and rolls it back. A half-taken snapshot is removed (no orphan in libvirt's list or
 * inside the qcow2 file); a revert or a deletion cut short leaves every snapshot whole or gone, never half.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import { crashAt, lastTask, reopen, type Point } from '../../helpers/crash';
import type { ChildOp } from '../../helpers/op-child';
import { addLocalHost, waitTask } from '../../helpers/provision';
import {
  defineDiskVm,
  qcowSnapshots,
  removeDiskVm,
  virshSnapshots,
  vmIdOf,
  type DiskVm,
} from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`a crash in a snapshot operation leaves no orphan ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let vm: DiskVm;
  let vmId = '';

  beforeAll(async () => {
    vm = defineDiskVm();
    const { app, client } = await reopen(dataDir);
    const hostId = await addLocalHost(client);
    vmId = await vmIdOf(client, hostId, vm.name);
    // One snapshot to revert to and to delete.
    const { taskId } = await client.call('snapshots.create', { vmId, name: 'base', memory: false });
    expect((await waitTask(client, taskId)).state).toBe('succeeded');
    app.close();
  });
  afterAll(() => {
    removeDiskVm(vm);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each<Point>([
    ['check', 'start'],
    ['snapshot', 'undo'],
    ['verify', 'start'],
  ])('create, killed at %s (%s): no snapshot is left', async (step, at) => {
    const op = { op: 'snapshot-create' as const, vmId, name: 'half', memory: false };
    expect(await crashAt(dataDir, op, [step, at])).toBe(`KILL vm.snapshot.create:${step}:${at}`);
    const { app, client } = await reopen(dataDir);
    try {
      const task = await lastTask(client, 'vm.snapshot.create');
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      if (step === 'verify') expect(task.error?.rolledBack?.join()).toMatch(/snapshot half/);
      expect(virshSnapshots(vm.uuid)).toEqual(['base']);
      expect(qcowSnapshots(vm.disk)).toEqual(['base']);
      // The lock is free again: the next operation on the VM runs.
      const { taskId } = await client.call('snapshots.create', { vmId, name: 'after', memory: false });
      expect((await waitTask(client, taskId)).state).toBe('succeeded');
      const del = await client.call('snapshots.delete', { vmId, names: ['after'] });
      expect((await waitTask(client, del.taskId)).state).toBe('succeeded');
    } finally {
      app.close();
    }
  });

  /** Kills a revert or deletion of `base` at the point: the next app finds it interrupted, `base` whole. */
  async function killedKeepsBase(op: ChildOp, kind: string, [step, at]: Point): Promise<void> {
    expect(await crashAt(dataDir, op, [step, at])).toBe(`KILL ${kind}:${step}:${at}`);
    const { app, client } = await reopen(dataDir);
    try {
      expect(await lastTask(client, kind)).toMatchObject({ state: 'failed', interrupted: true });
      expect(virshSnapshots(vm.uuid)).toEqual(['base']);
      expect(qcowSnapshots(vm.disk)).toEqual(['base']);
    } finally {
      app.close();
    }
  }

  it.each<Point>([
    ['check', 'start'],
    ['revert', 'start'],
    ['state', 'start'],
  ])('revert, killed at %s (%s): the snapshot stays', (step, at) =>
    killedKeepsBase({ op: 'snapshot-revert', vmId, name: 'base' }, 'vm.snapshot.revert', [step, at]),
  );

  it.each<Point>([
    ['check', 'start'],
    ['delete', 'start'],
  ])('delete, killed at %s (%s): the snapshot is whole in libvirt and in the disk', (step, at) =>
    killedKeepsBase({ op: 'snapshot-delete', vmId, names: ['base'] }, 'vm.snapshot.delete', [step, at]),
  );
});
