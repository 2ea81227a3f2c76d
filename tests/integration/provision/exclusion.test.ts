/**
 * One operation per VM at a time, across processes: while another process creates a VM, this one may not
 * power it on; two deletions of one VM at once: one runs, the other is refused with the reason.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import type { CreateVmRequestInput } from '../../../src/shared/domain/provision';
import { createClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { killChild, readyRunning, startCreateChild } from '../../helpers/killed-creation';
import {
  addLocalHost,
  cloudRequest,
  domainNames,
  makeCloudImage,
  poolVolumes,
  removeVolume,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`one operation per VM ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'test', reconcileEveryMs: 300 });
  const client = createClient(inProcessBridge(app));
  const image = { name: '', path: '' };
  let imageId = '';

  const request = (name: string, extra: Partial<CreateVmRequestInput> = {}) =>
    cloudRequest(name, imageId, extra);

  beforeAll(async () => {
    Object.assign(image, makeCloudImage());
    const hostId = await addLocalHost(client);
    imageId = (await client.call('images.list', { hostId })).find((i) => i.name === image.name)!.id;
  });
  afterAll(() => {
    app.close();
    removeVolume(image.name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to force off a VM another process is creating, until that process is gone', async () => {
    const name = uniq('qt-excl');
    const started = await startCreateChild(
      dataDir,
      request(name, { start: true, waitForReady: { timeoutSeconds: 600 } }),
    );
    try {
      const deadline = Date.now() + 60_000;
      while (!(await readyRunning(dataDir, started.taskId))) {
        if (Date.now() > deadline) throw new Error('the child never got to the ready step');
        await new Promise((r) => setTimeout(r, 200));
      }
      const vm = (await client.call('vms.list', {})).find((v) => v.name === name)!;
      await expect(client.call('vms.power', { vmId: vm.id, action: 'destroy' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(new RegExp(`VM ${name} is busy: "Create VM ${name}" is running`)),
      });
      expect(domainNames()).toContain(name); // untouched
      await killChild(started);
      const task = await waitTask(client, started.taskId, 20_000);
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      expect(domainNames()).not.toContain(name);
    } finally {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        process.kill(-started.child.pid!, 'SIGKILL');
      }
    }
  });

  it('runs one of two deletions of the same VM and refuses the other', async () => {
    const name = uniq('qt-excl2');
    const created = await client.call('vms.create', { request: request(name) });
    expect((await waitTask(client, created.taskIds[0]!)).state).toBe('succeeded');
    const vmId = created.vmIds[0]!;
    const both = await Promise.allSettled([
      client.call('vms.delete', { vmId, deleteDisks: true }),
      client.call('vms.delete', { vmId, deleteDisks: true }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`VM ${name} is busy: "Delete VM ${name}" is running`),
    });
    expect(domainNames()).not.toContain(name);
    expect(poolVolumes().filter((v) => v.startsWith(`${name}-`))).toEqual([]);
    const tasks = (await client.call('tasks.list', {})).filter((t) => t.kind === 'vm.delete');
    expect(tasks.map((t) => t.state)).toEqual(['succeeded']);
  });
});
