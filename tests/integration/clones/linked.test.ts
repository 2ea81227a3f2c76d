/**
 * Linked and bulk clones on the real libvirt (qemu:///system), through the contract. The template is made by
 * setting the inventory flag directly (vms.setTemplate) in setup: the "convert to template" operation is
 * another engineer's and is tested on its own. A linked clone's disk is a qcow2 overlay whose backing file is
 * the template's disk, made in seconds, its parent recorded, the template byte for byte what it was; two
 * requests for linked clones of one template run at once. A bulk request makes one task per clone with
 * names from the template; one taken name refuses the whole request before any task starts.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { PROCESS_OWNER } from '../../../src/main/tasks/task-log';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  backingChain,
  cloneFiles,
  defineCloneSource,
  imgInfo,
  poolFiles,
  removeCloneSource,
  removeDomainAndFiles,
  sha256,
  type CloneSource,
} from '../../helpers/clones';
import { defineDomain, removeDomain, virsh } from '../../helpers/domains';
import { addLocalHost, domainNames, dumpxml, uniq, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`linked and bulk clones on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let src: CloneSource;
  let srcId = '';
  const clones: string[] = [];
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!isAppErrorData(err)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  };
  const template = () => ({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) });

  beforeAll(async () => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(src.base, 'write -P 0xbb 1M 64k')).toBe(true);
    t = startTestApp();
    srcId = await vmIdOf(t.client, await addLocalHost(t.client), src.name);
    // Setup only: the template flag set directly, as the convert operation would leave it.
    t.app.repos.vms.setTemplate(srcId, true);
  });
  afterAll(() => {
    for (const c of clones) removeDomainAndFiles(c, cloneFiles(c));
    if (src) removeCloneSource(src);
    t.dispose();
  });

  it("makes an overlay on the template's disk in seconds, records its parent, leaves the template as it was", async () => {
    const before = template();
    const name = uniq('qhci-t-clone');
    clones.push(name);
    const started = Date.now();
    const { taskId, taskIds } = await t.client.call('vms.clone', { vmId: srcId, name, mode: 'linked' });
    expect(taskIds).toEqual([taskId]);
    const task = await waitTask(t.client, taskId, 60_000);
    const took = Date.now() - started;
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(took).toBeLessThan(10_000);

    const disk = cloneFiles(name)[0]!;
    const chain = backingChain(disk);
    expect(chain.map((c) => c.filename)).toEqual([disk, src.disk, src.base]);
    expect(chain[0]).toMatchObject({ format: 'qcow2', 'backing-filename': src.disk });
    expect(chain[0]!['virtual-size']).toBe(256 * 1024 ** 2);
    // An overlay holds nothing of its own yet; it reads the template's data through its backing.
    expect(chain[0]!['actual-size']).toBeLessThan(2 * 1024 ** 2);
    expect(qemuIo(disk, 'read -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(disk, 'read -P 0xbb 1M 64k')).toBe(true);
    expect(dumpxml(name)).toContain(`<source file='${disk}'/>`);

    const vm = await t.client.call('vms.get', { id: task.result!.vmId as string });
    expect(vm).toMatchObject({ name, parentId: srcId, linked: true, template: false, state: 'shutoff' });
    expect(t.app.repos.vms.linkedChildren(srcId).map((c) => c.name)).toContain(name);
    // Writing into the clone changes its overlay only.
    expect(qemuIo(disk, 'write -P 0xcc 0 64k')).toBe(true);
    expect(template()).toEqual(before);
    // It starts on the template's files made read-only (as "convert to template" leaves them).
    chmodSync(src.disk, 0o444);
    chmodSync(src.base, 0o444);
    try {
      virsh('start', name);
      virsh('destroy', name);
    } finally {
      chmodSync(src.disk, 0o644);
      chmodSync(src.base, 0o644);
    }
    expect(template()).toEqual(before);
  });

  it('runs two linked clones of one template at once', async () => {
    const names = [uniq('qhci-t-clone'), uniq('qhci-t-clone')];
    clones.push(...names);
    const accepted: number[] = [];
    const started = await Promise.all(
      names.map((name) =>
        t.client.call('vms.clone', { vmId: srcId, name, mode: 'linked' }).then((r) => {
          accepted.push(Date.now());
          return r;
        }),
      ),
    );
    const tasks = await Promise.all(started.map((s) => waitTask(t.client, s.taskId, 60_000)));
    for (const task of tasks) expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    // Each task holds its lock from its start: both were accepted before either ended, so both held theirs
    // at once (a second request under the template's own lock would have been refused as busy).
    const firstEnd = Math.min(...tasks.map((x) => Date.parse(x.finishedAt!)));
    expect(Math.max(...accepted)).toBeLessThanOrEqual(firstEnd);
    for (const name of names) {
      expect(backingChain(cloneFiles(name)[0]!)[0]!['backing-filename']).toBe(src.disk);
      expect(domainNames()).toContain(name);
    }
  });

  it('refuses a linked clone of a VM that is not a template, making nothing', async () => {
    t.app.repos.vms.setTemplate(srcId, false);
    try {
      const name = uniq('qhci-t-clone');
      const err = await refusal(t.client.call('vms.clone', { vmId: srcId, name, mode: 'linked' }));
      expect(err).toMatchObject({ code: 'CONFLICT', field: 'mode' });
      expect(err.message).toMatch(/is not a template: convert it first/);
      expect(domainNames()).not.toContain(name);
    } finally {
      t.app.repos.vms.setTemplate(srcId, true);
    }
  });

  it('makes 3 clones with {{.VMName}}-{{.Index}} names, one task each', async () => {
    const names = [1, 2, 3].map((i) => `${src.name}-${i}`);
    clones.push(...names);
    const r = await t.client.call('vms.clone', {
      vmId: srcId,
      name: '{{.VMName}}-{{.Index}}',
      count: 3,
    });
    expect(r.taskIds).toHaveLength(3);
    expect(r.taskId).toBe(r.taskIds[0]);
    const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 120_000)));
    expect(tasks.map((x) => [x.state, x.result?.name])).toEqual(names.map((n) => ['succeeded', n]));
    const listed = await t.client.call('vms.list', {});
    for (const name of names) {
      // Full clones: their own copy of the whole chain, the template their parent.
      expect(backingChain(cloneFiles(name)[0]!)).toHaveLength(1);
      expect(qemuIo(cloneFiles(name)[0]!, 'read -P 0xbb 1M 64k')).toBe(true);
      expect(listed.find((v) => v.name === name)).toMatchObject({ parentId: srcId, linked: false });
    }
  });

  it('refuses the whole request when one name is taken, before any task starts', async () => {
    const prefix = uniq('qhci-t-clone');
    const names = [1, 2, 3].map((i) => `${prefix}-${i}`);
    clones.push(...names);
    const first = await t.client.call('vms.clone', { vmId: srcId, name: names[1]!, mode: 'linked' });
    expect((await waitTask(t.client, first.taskId, 60_000)).state).toBe('succeeded');
    const tasksBefore = (await t.client.call('tasks.list', {})).length;
    const volumesBefore = poolFiles().filter((v) => v.startsWith(prefix));

    const err = await refusal(
      t.client.call('vms.clone', { vmId: srcId, name: `${prefix}-{{.Index}}`, count: 3, mode: 'linked' }),
    );
    expect(err).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(err.message).toContain(names[1]);
    expect((await t.client.call('tasks.list', {})).length).toBe(tasksBefore);
    expect(domainNames().filter((n) => n.startsWith(prefix))).toEqual([names[1]]);
    expect(poolFiles().filter((v) => v.startsWith(prefix))).toEqual(volumesBefore);
  });

  // A request reuses what an earlier one read of the template's disks, checked with the host in one round
  // trip: a name only the host has is refused, and a template whose XML changed since is read again.
  it('refuses a name only the host has, and reads a template changed since the last request again', async () => {
    const warm = uniq('qhci-t-clone');
    clones.push(warm);
    const first = await t.client.call('vms.clone', { vmId: srcId, name: warm, mode: 'linked' });
    expect((await waitTask(t.client, first.taskId, 60_000)).state).toBe('succeeded');

    const squatter = defineDomain(uniq('qhci-t-clone'));
    try {
      const tasksBefore = (await t.client.call('tasks.list', {})).length;
      const err = await refusal(
        t.client.call('vms.clone', { vmId: srcId, name: squatter.name, mode: 'linked' }),
      );
      expect(err).toMatchObject({ code: 'CONFLICT', field: 'name' });
      expect((await t.client.call('tasks.list', {})).length).toBe(tasksBefore);
      expect(poolFiles().filter((v) => v.startsWith(squatter.name))).toEqual([]);
    } finally {
      removeDomain(squatter.uuid);
    }

    const memory = (n: string) => /<memory unit='KiB'>(\d+)<\/memory>/.exec(dumpxml(n))?.[1];
    const was = memory(src.name)!;
    virsh('setmaxmem', src.name, '80M', '--config');
    try {
      const name = uniq('qhci-t-clone');
      clones.push(name);
      const r = await t.client.call('vms.clone', { vmId: srcId, name, mode: 'linked' });
      expect((await waitTask(t.client, r.taskId, 60_000)).state).toBe('succeeded');
      expect(memory(name)).toBe(String(80 * 1024));
      expect(backingChain(cloneFiles(name)[0]!)[0]?.['backing-filename']).toBe(src.disk);
    } finally {
      virsh('setmaxmem', src.name, `${was}K`, '--config');
    }
  });

  it('keeps the clones that succeeded when one of a bulk fails, and removes only what that one made', async () => {
    const prefix = uniq('qhci-t-clone');
    const names = [1, 2, 3].map((i) => `${prefix}-${i}`);
    clones.push(...names);
    const r = await t.client.call('vms.clone', { vmId: srcId, name: `${prefix}-{{.Index}}`, count: 3 });
    // The tasks run one after another: while the first copies, a file appears where the second's disk goes.
    const squatter = cloneFiles(names[1]!)[0]!;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', squatter, '1M']);
    try {
      const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 120_000)));
      expect(tasks.map((x) => x.state)).toEqual(['succeeded', 'failed', 'succeeded']);
      expect(tasks[1]!.error?.message).toMatch(/already|exists/);
      expect(
        domainNames()
          .filter((n) => n.startsWith(prefix))
          .sort(),
      ).toEqual([names[0], names[2]]);
      const listed = (await t.client.call('vms.list', {})).map((v) => v.name);
      expect(listed.filter((n) => n.startsWith(prefix)).sort()).toEqual([names[0], names[2]]);
      // Not ours: left where it was, as it was.
      expect(imgInfo(squatter)['virtual-size']).toBe(1024 ** 2);
      expect(poolFiles().filter((v) => v.startsWith(names[1]!))).toEqual([`${names[1]}-disk0.qcow2`]);
    } finally {
      rmSync(squatter, { force: true });
    }
  });

  it("refuses and makes nothing while the template's own lock is held (a convert or delete)", async () => {
    // An unfinished task of this (live) process holds the template's lock, as "convert back" or a deletion
    // would: written into the inventory directly, since those operations are another engineer's.
    const db = new Database(t.dbFile);
    const holder = randomUUID();
    const hold = () =>
      db
        .prepare(
          `INSERT INTO tasks (id, kind, title, state, progress, owner, heartbeat_at, lock_key, created_at, started_at)
           VALUES (?, 'vm.delete', 'Delete VM template', 'running', 0, ?, ?, ?, ?, ?)`,
        )
        .run(
          holder,
          PROCESS_OWNER,
          new Date().toISOString(),
          `vm:${srcId}`,
          new Date().toISOString(),
          new Date().toISOString(),
        );
    const release = () => db.prepare('DELETE FROM tasks WHERE id = ?').run(holder);
    const prefix = uniq('qhci-t-clone');
    try {
      hold();
      const err = await refusal(t.client.call('vms.clone', { vmId: srcId, name: prefix, mode: 'linked' }));
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/is busy: "Delete VM template" is running/);
      release();

      // Taken after the request was accepted: a clone whose check step comes later gives up, and removes
      // its inventory entry (nothing of it stands on the template).
      const r = await t.client.call('vms.clone', {
        vmId: srcId,
        name: `${prefix}-{{.Index}}`,
        count: 2,
        mode: 'linked',
      });
      hold();
      const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 60_000)));
      expect(tasks[1]!.state).toBe('failed');
      expect(tasks[1]!.error?.message).toMatch(/is busy: "Delete VM template" is running/);
      const names = [`${prefix}-1`, `${prefix}-2`];
      clones.push(...names);
      for (const [i, x] of tasks.entries()) {
        if (x.state !== 'failed') continue;
        expect(domainNames()).not.toContain(names[i]);
        expect(poolFiles().filter((v) => v.startsWith(`${names[i]}-`))).toEqual([]);
      }
      const children = t.app.repos.vms.linkedChildren(srcId).map((c) => c.name);
      expect(children.filter((n) => n.startsWith(prefix))).toEqual(
        tasks.filter((x) => x.state === 'succeeded').map((x) => x.result!.name),
      );
    } finally {
      release();
      db.close();
    }
  });
});
