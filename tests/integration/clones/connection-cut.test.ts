/**
 * The SSH connection to the host (kvm-a, onto the testbed's libvirtd) cut while a clone's disk is being
 * copied: the TCP socket under ssh2 destroyed as the network would, as soon as `qemu-img convert` runs on
 * the host. The task fails; its rollback, once the app has reconnected, removes the new volume and the
 * inventory entry; no domain is defined; the source is unchanged; the next clone runs.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  poolFiles,
  removeCloneSource,
  removeDomainAndFiles,
  sha256,
  type CloneSource,
} from '../../helpers/clones';
import { addSshHost, domainNames, dumpxml, uniq, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes on the host (kvm-a is this machine's sshd) whose command line matches. */
const hostProcesses = (pattern: string) =>
  new Promise<number>((resolve) =>
    execFile('pgrep', ['-f', pattern], (_err, out) => resolve(out.split('\n').filter(Boolean).length)),
  );

describe.skipIf(!testbed)(`the SSH connection cut while a clone copies ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
  let src: CloneSource | undefined;
  let srcId = '';
  const names: string[] = [];

  beforeAll(async () => {
    src = defineCloneSource({ size: '1G' });
    expect(qemuIo(src.disk, 'write -P 0x5a 0 1G')).toBe(true);
    t = startTestApp();
    hostId = await addSshHost(t.client, 'kvm-a');
    srcId = await vmIdOf(t.client, hostId, src.name);
  });
  afterAll(() => {
    t?.dispose();
    for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    if (src) removeCloneSource(src);
  });

  it('fails, leaves nothing of the clone, and the next clone runs', async () => {
    const before = { xml: dumpxml(src!.name), disk: sha256(src!.disk) };
    const name = uniq('qhci-t-clcut');
    names.push(name);
    const { taskId } = await t.client.call('vms.clone', { vmId: srcId, name });
    const copying = `qemu-img convert .*${name}-disk0`;
    const end = Date.now() + 60_000;
    while ((await hostProcesses(copying)) === 0) {
      if (Date.now() > end) throw new Error('qemu-img convert never ran on the host');
      await sleep(20);
    }
    const conn = ((await t.app.hosts.driverFor(hostId)) as SshDriver).conn;
    (conn as unknown as { client: { _sock: { destroy(): void } } }).client._sock.destroy();

    const task = await waitTask(t.client, taskId, 300_000);
    await t.app.provisioning.drain();
    expect(task.state).toBe('failed');
    expect(task.error?.message).toMatch(/connection|closed|lost|ended|reach/i);
    // The copy that went on without its connection ends; its volume was deleted under it.
    while ((await hostProcesses(copying)) > 0) await sleep(100);
    expect(poolFiles().filter((v) => v.startsWith(name))).toEqual([]);
    expect(domainNames()).not.toContain(name);
    expect((await t.client.call('vms.list', {})).some((v) => v.name === name)).toBe(false);
    expect({ xml: dumpxml(src!.name), disk: sha256(src!.disk) }).toEqual(before);

    const next = uniq('qhci-t-clcut');
    names.push(next);
    const again = await t.client.call('vms.clone', { vmId: srcId, name: next });
    expect((await waitTask(t.client, again.taskId, 300_000)).state).toBe('succeeded');
    expect(qemuIo(cloneFiles(next)[0]!, 'read -P 0x5a 1023M 1M')).toBe(true);
  }, 600_000);
});
