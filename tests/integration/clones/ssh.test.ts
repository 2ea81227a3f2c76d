/**
 * A clone on an SSH host (kvm-a, onto the testbed's libvirtd): the clone's seed and its definition reach the
 * host as private files read by the host's long-lived virsh session (no virsh process of their own reading
 * stdin), and those files are gone once the task is; a seed made ready for a clone refused under its lock is
 * removed too.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  poolFiles,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../../helpers/clones';
import { defineDomain, removeDomain } from '../../helpers/domains';
import { addSshHost, dumpxml, uniq, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

/** The files a stage on the host leaves while it lasts (`mktemp -d` directories holding ours). */
const staged = () =>
  execFileSync('sh', ['-c', 'ls -d /tmp/tmp.*/seed.iso /tmp/tmp.*/data 2>/dev/null || true'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);

describe.skipIf(!testbed)(`a clone on an SSH host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let src: CloneSource | undefined;
  let srcId = '';
  const names: string[] = [];

  beforeAll(async () => {
    src = defineCloneSource({ size: '1G' });
    expect(qemuIo(src.disk, 'write -P 0x5a 0 1G')).toBe(true);
    t = startTestApp();
    srcId = await vmIdOf(t.client, await addSshHost(t.client, 'kvm-a'), src.name);
  });
  afterAll(() => {
    t?.dispose();
    for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    if (src) removeCloneSource(src);
  });

  it('defines the clone and fills its fresh seed from private files, removed afterwards', async () => {
    const before = staged();
    const name = uniq('qhci-t-clssh');
    names.push(name);
    const { taskId } = await t.client.call('vms.clone', { vmId: srcId, name });
    const task = await waitTask(t.client, taskId, 300_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    await t.app.provisioning.drain();
    const xml = dumpxml(name);
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec(xml)?.[1];
    const seed = cloneFiles(name)[3]!;
    expect(xml).toContain(seed);
    const meta = execFileSync('isoinfo', ['-i', seed, '-J', '-x', '/meta-data'], { encoding: 'utf8' });
    expect(meta).toContain(`instance-id: ${uuid}`);
    expect(qemuIo(cloneFiles(name)[0]!, 'read -P 0x5a 1023M 1M')).toBe(true);
    expect(staged()).toEqual(before);
  });

  it('removes the seed made ready for a clone refused under its lock', async () => {
    const before = staged();
    const prefix = uniq('qhci-t-clssh');
    const want = [`${prefix}-1`, `${prefix}-2`];
    names.push(...want);
    const r = await t.client.call('vms.clone', { vmId: srcId, name: `${prefix}-{{.Index}}`, count: 2 });
    // While the first copies 1 GiB, a domain of the second's name appears on the host.
    const squatter = defineDomain(want[1]);
    try {
      const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 300_000)));
      expect(tasks.map((x) => x.state)).toEqual(['succeeded', 'failed']);
      expect(tasks[1]!.error?.message).toBe(`A VM named ${want[1]} exists already`);
      await t.app.provisioning.drain();
      expect(poolFiles().filter((v) => v.startsWith(`${want[1]}-`))).toEqual([]);
      expect(staged()).toEqual(before);
    } finally {
      removeDomain(squatter.uuid);
    }
  });
});
