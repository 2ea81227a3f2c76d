/**
 * A template's base copied to another host (kvm-b, a second real libvirtd) for a linked clone there goes
 * with the template: deleting the linked clone keeps the copy for later clones; the template cannot be
 * deleted while the clone exists, and once it can, its deletion removes the copy on kvm-b and forgets it,
 * while the base image under the template's own disk on kvm-a stays.
 */
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  removeCloneSource,
  sha256,
  type CloneSource,
} from '../../helpers/clones';
import { addLocalHost, addSshHost, POOL, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { secondHost, sshB, virshB, type SecondHost } from '../../helpers/second-host';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';

const kvmB = secondHost();
const existsOnB = (b: SecondHost, path: string) =>
  sshB(b, `test -e '${path}' && echo yes || echo no`).trim() === 'yes';

describe.skipIf(!kvmB.host)(`a template's base copy on another host ${kvmB.reason}`, () => {
  let t: TestApp;
  let b: SecondHost;
  let src: CloneSource;
  let srcId = '';
  let hostB = '';
  const name = uniq('qhci-t-clone');
  const copy = () => `${POOL_DIR}/${src.name}-base-vda.qcow2`;
  const rows = () => {
    const db = new Database(t.dbFile, { readonly: true });
    try {
      return db.prepare('SELECT host_id, path FROM template_bases').all();
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    b = kvmB.host!;
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    t = startTestApp();
    const hostA = await addLocalHost(t.client);
    hostB = await addSshHost(t.client, 'kvm-b');
    srcId = await vmIdOf(t.client, hostA, src.name);
    const conv = await t.client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false });
    expect((await waitTask(t.client, conv.taskId)).state).toBe('succeeded');
  }, 120_000);
  afterAll(() => {
    for (const args of [
      ['destroy', name],
      ['undefine', name],
    ]) {
      try {
        virshB(b, ...args);
      } catch {
        // not there
      }
    }
    sshB(b, `rm -f -- ${[...cloneFiles(name), copy()].map((f) => `'${f}'`).join(' ')}`);
    virshB(b, 'pool-refresh', POOL);
    spawnSync('chmod', ['u+w', src.disk]);
    removeCloneSource(src);
    t.dispose();
  });

  it('keeps the copy for later clones, and deletes it with the template', async () => {
    const { taskId } = await t.client.call('vms.clone', {
      vmId: srcId,
      name,
      mode: 'linked',
      placement: { hostId: hostB, pool: POOL },
    });
    const task = await waitTask(t.client, taskId, 180_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(existsOnB(b, copy())).toBe(true);
    expect(rows()).toEqual([{ host_id: hostB, path: copy() }]);

    const refused = await t.client
      .call('vms.delete', { vmId: srcId, deleteDisks: true })
      .catch((e: unknown) => e);
    expect(isAppErrorData(refused) && refused.message).toContain(name);

    const clone = (await t.client.call('vms.list', {})).find((v) => v.name === name)!;
    await t.client.call('vms.delete', { vmId: clone.id, deleteDisks: true });
    expect(existsOnB(b, cloneFiles(name)[0]!)).toBe(false);
    expect(existsOnB(b, copy())).toBe(true);

    const baseSum = sha256(src.base);
    await t.client.call('vms.delete', { vmId: srcId, deleteDisks: true });
    expect(existsOnB(b, copy())).toBe(false);
    expect(rows()).toEqual([]);
    expect(() => sha256(src.disk)).toThrow();
    expect(sha256(src.base)).toBe(baseSum);
  });
});
