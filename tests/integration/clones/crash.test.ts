/**
 * A process killed at each step boundary of a clone (as a step starts, and right after its first undo
 * record is on disk, before the action it guards): the next app opened on the inventory rolls the task
 * back. No domain, volume or inventory entry of the clone is left, the source is byte for byte what it was,
 * and its lock is free again (a clone after it succeeds).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  poolFiles,
  removeCloneSource,
  removeDomainAndFiles,
  sha256,
  type CloneSource,
} from '../../helpers/clones';
import { crashAt, lastTask, reopen, type Point } from '../../helpers/crash';
import { virsh } from '../../helpers/domains';
import { addLocalHost, domainNames, dumpxml, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`a crash in a clone leaves no orphan ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let src: CloneSource;
  let srcId = '';
  let before: { xml: string; disk: string; base: string };
  const names: string[] = [];
  const source = () => ({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) });

  beforeAll(async () => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    const { app, client } = await reopen(dataDir);
    const hostId = await addLocalHost(client);
    srcId = await vmIdOf(client, hostId, src.name);
    app.close();
    before = source();
  });
  afterAll(() => {
    for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each<Point>([
    ['check', 'start'],
    ['check', 'undo'],
    ['volumes', 'undo'],
    ['files', 'start'],
    ['seed', 'undo'],
    ['define', 'undo'],
    ['record', 'start'],
  ])('killed at %s (%s): nothing of the clone is left', async (step, at) => {
    const name = uniq('qhci-t-clcrash');
    names.push(name);
    expect(await crashAt(dataDir, { op: 'clone', vmId: srcId, name }, [step, at])).toBe(
      `KILL vm.clone:${step}:${at}`,
    );
    const { app, client } = await reopen(dataDir);
    try {
      const task = await lastTask(client, 'vm.clone');
      expect(task).toMatchObject({ state: 'failed', interrupted: true });
      expect(domainNames()).not.toContain(name);
      expect(poolFiles().filter((v) => v.startsWith(name))).toEqual([]);
      expect((await client.call('vms.list', {})).some((v) => v.name === name)).toBe(false);
      expect(source()).toEqual(before);
    } finally {
      app.close();
    }
  });

  it('the lock is free afterwards: a clone runs to the end', async () => {
    const name = uniq('qhci-t-clcrash');
    names.push(name);
    const { app, client } = await reopen(dataDir);
    try {
      const { taskId } = await client.call('vms.clone', { vmId: srcId, name });
      expect((await waitTask(client, taskId)).state).toBe('succeeded');
      expect(domainNames()).toContain(name);
    } finally {
      app.close();
    }
  });
});

describe.skipIf(!testbed)(`a crash in a clone of a UEFI VM with a TPM ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let src: CloneSource | undefined;
  let srcId = '';
  const names: string[] = [];

  beforeAll(async () => {
    src = defineCloneSource({ uefi: true, tpm: true });
    // The first start makes the NVRAM from its template and the TPM state.
    virsh('start', src.name);
    virsh('destroy', src.name);
    const { app, client } = await reopen(dataDir);
    srcId = await vmIdOf(client, await addLocalHost(client), src.name);
    app.close();
  });
  afterAll(() => {
    for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    if (src) removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each<Point>([
    ['files', 'undo'],
    ['seed', 'start'],
    ['define', 'undo'],
  ])('killed at %s (%s): no NVRAM or TPM state of the clone is left', async (step, at) => {
    const name = uniq('qhci-t-clcrash');
    names.push(name);
    const tpmBefore = readdirSync('/var/lib/libvirt/swtpm').sort();
    expect(await crashAt(dataDir, { op: 'clone', vmId: srcId, name }, [step, at])).toBe(
      `KILL vm.clone:${step}:${at}`,
    );
    const { app, client } = await reopen(dataDir);
    try {
      expect(await lastTask(client, 'vm.clone')).toMatchObject({ state: 'failed', interrupted: true });
      expect(existsSync(`/var/lib/libvirt/qemu/nvram/${name}_VARS.fd`)).toBe(false);
      expect(readdirSync('/var/lib/libvirt/swtpm').sort()).toEqual(tpmBefore);
      expect(domainNames()).not.toContain(name);
      expect(poolFiles().filter((v) => v.startsWith(name))).toEqual([]);
    } finally {
      app.close();
    }
  });
});

describe.skipIf(!testbed)(`a crash in a linked clone leaves no orphan ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let src: CloneSource;
  let srcId = '';
  let before: { xml: string; disk: string; base: string };
  const names: string[] = [];
  const source = () => ({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) });

  beforeAll(async () => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    const { app, client } = await reopen(dataDir);
    srcId = await vmIdOf(client, await addLocalHost(client), src.name);
    // Setup only: the template flag set directly, as the convert operation would leave it.
    app.repos.vms.setTemplate(srcId, true);
    app.close();
    before = source();
  });
  afterAll(() => {
    for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each<Point>([
    ['check', 'start'],
    ['check', 'undo'],
    ['volumes', 'undo'],
    ['files', 'start'],
    ['seed', 'undo'],
    ['define', 'undo'],
    ['record', 'start'],
  ])(
    'killed at %s (%s): no overlay, domain or entry is left, the template is as it was',
    async (step, at) => {
      const name = uniq('qhci-t-clcrash');
      names.push(name);
      expect(await crashAt(dataDir, { op: 'clone', vmId: srcId, name, mode: 'linked' }, [step, at])).toBe(
        `KILL vm.clone:${step}:${at}`,
      );
      const { app, client } = await reopen(dataDir);
      try {
        expect(await lastTask(client, 'vm.clone')).toMatchObject({ state: 'failed', interrupted: true });
        expect(domainNames()).not.toContain(name);
        expect(poolFiles().filter((v) => v.startsWith(name))).toEqual([]);
        expect((await client.call('vms.list', {})).some((v) => v.name === name)).toBe(false);
        // Nothing stands on the template any more: it could be deleted.
        expect(app.repos.vms.linkedChildren(srcId)).toEqual([]);
        expect(source()).toEqual(before);
      } finally {
        app.close();
      }
    },
  );
});

describe.skipIf(!testbed)(`a crash in the middle of a bulk clone ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let src: CloneSource;
  let srcId = '';
  const names: string[] = [];

  beforeAll(async () => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    const { app, client } = await reopen(dataDir);
    srcId = await vmIdOf(client, await addLocalHost(client), src.name);
    app.close();
  });
  afterAll(() => {
    for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the clone made before it; the one cut short and the one not begun leave nothing', async () => {
    const before = source();
    const prefix = uniq('qhci-t-clcrash');
    names.push(...[1, 2, 3].map((i) => `${prefix}-${i}`));
    // Killed as the second clone's disk is about to be made: the first is done, the third not begun.
    const op = { op: 'clone' as const, vmId: srcId, name: `${prefix}-{{.Index}}`, count: 3, nth: 2 };
    expect(await crashAt(dataDir, op, ['volumes', 'undo'])).toBe('KILL vm.clone:volumes:undo');
    const { app, client } = await reopen(dataDir);
    try {
      const tasks = (await client.call('tasks.list', {})).filter((x) => x.kind === 'vm.clone');
      const byName = (n: string) => tasks.find((x) => x.title.endsWith(` as ${n}`))!;
      expect(byName(names[0]!)).toMatchObject({ state: 'succeeded' });
      for (const n of names.slice(1)) expect(byName(n)).toMatchObject({ state: 'failed', interrupted: true });
      expect(domainNames().filter((n) => n.startsWith(prefix))).toEqual([names[0]]);
      expect(
        readdirSync(POOL_DIR)
          .filter((f) => f.startsWith(prefix))
          .sort(),
      ).toEqual([`${names[0]}-cidata.iso`, `${names[0]}-disk0.qcow2`].sort());
      const listed = (await client.call('vms.list', {})).filter((v) => v.name.startsWith(prefix));
      expect(listed.map((v) => [v.name, v.state, v.parentId])).toEqual([[names[0], 'shutoff', srcId]]);
      expect(qemuIo(cloneFiles(names[0]!)[0]!, 'read -P 0xaa 0 64k')).toBe(true);
      expect(source()).toEqual(before);
      // The source's lock, held by the last task, was let go with it.
      const again = await client.call('vms.clone', { vmId: srcId, name: `${prefix}-4` });
      names.push(`${prefix}-4`);
      expect((await waitTask(client, again.taskId)).state).toBe('succeeded');
    } finally {
      app.close();
    }
  });

  function source() {
    return { xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) };
  }
});
