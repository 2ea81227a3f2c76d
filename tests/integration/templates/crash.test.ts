/**
 * A process killed in the middle of "convert to template" and of "detach": the next app opened on the
 * inventory rolls the conversion back (each disk file's mode restored, the VM not a template) and marks an
 * interrupted detach failed with the clone still linked and its data whole; both can then run to the end.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import {
  defineCloneSource,
  imgInfo,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { crashAt, lastTask, reopen, type Point } from '../../helpers/crash';
import { addLocalHost, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { defineOverlayVm } from '../../helpers/templates';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(!testbed)(`a crash while making or detaching from a template ${NO_TESTBED}`, () => {
  const dataDir = tempDir();
  let src: CloneSource;
  let srcId = '';
  let hostId = '';
  let link: { name: string; disk: string } | null = null;

  beforeAll(async () => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    execFileSync('chmod', ['0640', src.disk]);
    const { app, client } = await reopen(dataDir);
    hostId = await addLocalHost(client);
    srcId = await vmIdOf(client, hostId, src.name);
    app.close();
  });
  afterAll(() => {
    if (link) removeDomainAndFiles(link.name, [link.disk]);
    execFileSync('chmod', ['u+w', src.disk]);
    removeCloneSource(src);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each<Point>([
    ['protect', 'undo'],
    ['mark', 'start'],
  ])('conversion killed at %s (%s): rolled back, the disk writable as before', async (step, at) => {
    expect(await crashAt(dataDir, { op: 'template', vmId: srcId }, [step, at])).toBe(
      `KILL vm.template:${step}:${at}`,
    );
    const { app, client } = await reopen(dataDir);
    try {
      expect(await lastTask(client, 'vm.template')).toMatchObject({ state: 'failed', interrupted: true });
      expect(mode(src.disk)).toBe('640');
      expect((await client.call('vms.get', { id: srcId })).template).toBe(false);
    } finally {
      app.close();
    }
  });

  it('the lock is free afterwards: the conversion runs to the end', async () => {
    const { app, client } = await reopen(dataDir);
    try {
      const { taskId } = await client.call('vms.convertToTemplate', { vmId: srcId, shutDown: false });
      expect((await waitTask(client, taskId)).state).toBe('succeeded');
      expect(mode(src.disk)).toBe('440');
    } finally {
      app.close();
    }
  });

  it('detach killed as it rebases: still linked, data whole; detach again finishes', async () => {
    link = defineOverlayVm(src.disk, 'qhci-t-tmcrash');
    let linkId = '';
    {
      const { app, client } = await reopen(dataDir);
      linkId = await vmIdOf(client, hostId, link.name);
      app.repos.vms.setParent(linkId, srcId, true);
      app.close();
    }
    expect(await crashAt(dataDir, { op: 'detach', vmId: linkId }, ['rebase', 'start'])).toBe(
      'KILL vm.detach:rebase:start',
    );
    const { app, client } = await reopen(dataDir);
    try {
      expect(await lastTask(client, 'vm.detach')).toMatchObject({ state: 'failed', interrupted: true });
      expect(imgInfo(link.disk)['backing-filename']).toBe(src.disk);
      expect((await client.call('vms.get', { id: linkId })).linked).toBe(true);
      expect(qemuIo(link.disk, 'read -P 0xaa 0 64k')).toBe(true);
      const { taskId } = await client.call('vms.detach', { vmId: linkId });
      expect((await waitTask(client, taskId)).state).toBe('succeeded');
      expect(imgInfo(link.disk)['backing-filename']).toBeUndefined();
      expect(qemuIo(link.disk, 'read -P 0xaa 0 64k')).toBe(true);
    } finally {
      app.close();
    }
  });
});
