/**
 * The SSH connection to the destination host (kvm-b) cut while a clone's disk travels to it from kvm-a: the
 * TCP socket under ssh2 destroyed as the network would, while a chunk of the copy is on its way to kvm-b. The
 * task fails; its rollback, once the app has reconnected, removes the partial copy on kvm-b and the
 * flattened copy on kvm-a; no domain is defined; the source is unchanged; the next clone there runs.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import { startTestApp, type TestApp } from '../../helpers/app';
import { defineCloneSource, removeCloneSource, sha256, type CloneSource } from '../../helpers/clones';
import { addLocalHost, addSshHost, dumpxml, POOL, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { secondHost, sshB, virshB, type SecondHost } from '../../helpers/second-host';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes whose command line matches (kvm-b's share this machine's process table). */
const hostProcesses = (pattern: string) =>
  new Promise<number>((resolve) =>
    execFile('pgrep', ['-f', pattern], (_err, out) => resolve(out.split('\n').filter(Boolean).length)),
  );
const kvmB = secondHost();

const filesOnB = (b: SecondHost): string[] =>
  sshB(b, `ls -1 -- ${POOL_DIR}`)
    .split('\n')
    .filter((n) => n !== '');

describe.skipIf(!testbed || !kvmB.host)(
  `the SSH connection to the destination cut while a disk travels ${kvmB.reason || NO_TESTBED}`,
  () => {
    let t: TestApp;
    let b: SecondHost;
    let hostB = '';
    let src: CloneSource | undefined;
    let srcId = '';
    const names: string[] = [];

    beforeAll(async () => {
      b = kvmB.host!;
      src = defineCloneSource({ size: '256M' });
      expect(qemuIo(src.disk, 'write -P 0x5a 0 256M')).toBe(true);
      t = startTestApp();
      srcId = await vmIdOf(t.client, await addLocalHost(t.client), src.name);
      hostB = await addSshHost(t.client, 'kvm-b');
    }, 60_000);
    afterAll(() => {
      t?.dispose();
      for (const n of names) {
        try {
          virshB(b, 'undefine', n);
        } catch {
          // not defined
        }
        sshB(b, `rm -f -- ${POOL_DIR}/${n}-*`);
      }
      virshB(b, 'pool-refresh', POOL);
      if (src) removeCloneSource(src);
    });

    it('fails, leaves nothing of the clone on either host, and the next clone runs', async () => {
      const before = { xml: dumpxml(src!.name), disk: sha256(src!.disk) };
      const name = uniq('qhci-t-clcut');
      names.push(name);
      const placement = { hostId: hostB, pool: POOL };
      const { taskId } = await t.client.call('vms.clone', { vmId: srcId, name, placement });
      // A chunk on its way: virsh vol-upload into the copy runs on kvm-b (its processes are visible here).
      const uploading = `vol-upload.*${name}-disk0`;
      const end = Date.now() + 120_000;
      while ((await hostProcesses(uploading)) === 0) {
        if (Date.now() > end) throw new Error('no chunk of the copy ever reached kvm-b');
        await sleep(20);
      }
      const conn = ((await t.app.hosts.driverFor(hostB)) as SshDriver).conn;
      (conn as unknown as { client: { _sock: { destroy(): void } } }).client._sock.destroy();

      const task = await waitTask(t.client, taskId, 300_000);
      await t.app.provisioning.drain();
      expect(task.state).toBe('failed');
      expect(task.error?.message).toMatch(/connection|closed|lost|ended|reach/i);
      expect(filesOnB(b).filter((f) => f.startsWith(name))).toEqual([]);
      expect(readdirSync(POOL_DIR).filter((f) => f.startsWith(name))).toEqual([]);
      expect(virshB(b, 'list', '--all', '--name')).not.toContain(name);
      expect((await t.client.call('vms.list', {})).some((v) => v.name === name)).toBe(false);
      expect({ xml: dumpxml(src!.name), disk: sha256(src!.disk) }).toEqual(before);

      const next = uniq('qhci-t-clcut');
      names.push(next);
      const again = await t.client.call('vms.clone', { vmId: srcId, name: next, placement });
      const ok = await waitTask(t.client, again.taskId, 300_000);
      expect(ok.state, JSON.stringify(ok.error)).toBe('succeeded');
      expect(filesOnB(b)).toContain(`${next}-disk0.qcow2`);
    }, 600_000);
  },
);
