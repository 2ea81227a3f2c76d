/**
 * A process killed in the middle of a clone to another real host (kvm-a → kvm-b): the next app opened on the
 * inventory rolls the task back. Neither host keeps anything of the clone (no flattened copy on kvm-a; no
 * domain, volume or seed on kvm-b) and the source is byte for byte what it was. A linked clone killed after
 * the template's base was copied and verified keeps that base (recorded, for the next clone) and nothing else.
 */
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app';
import { defineCloneSource, removeCloneSource, sha256, type CloneSource } from '../../helpers/clones';
import { crashAt, lastTask, reopen, type Point } from '../../helpers/crash';
import { addLocalHost, addSshHost, dumpxml, POOL, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { secondHost, sshB, virshB, type SecondHost } from '../../helpers/second-host';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const kvmB = secondHost();

/**
 * The files in the pool's directory on each host (not libvirt's volume list: a pool refresh is refused while
 * other tests on the shared testbed upload into the pool).
 */
const volumesOnB = (b: SecondHost): string[] =>
  sshB(b, `ls -1 -- ${POOL_DIR}`)
    .split('\n')
    .filter((n) => n !== '');
const volumesOnA = (): string[] => readdirSync(POOL_DIR);

const domainsOnB = (b: SecondHost) =>
  virshB(b, 'list', '--all', '--name')
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n !== '');

describe.skipIf(!testbed || !kvmB.host)(
  `a crash in a clone to another host ${kvmB.reason || NO_TESTBED}`,
  () => {
    const dataDir = tempDir();
    let b: SecondHost;
    let src: CloneSource;
    let srcId = '';
    let hostB = '';
    let before: { xml: string; disk: string; base: string };
    const source = () => ({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) });
    const baseVolume = () => `${src.name}-base-vda.qcow2`;

    beforeAll(async () => {
      b = kvmB.host!;
      src = defineCloneSource();
      expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
      const { app, client } = await reopen(dataDir);
      srcId = await vmIdOf(client, await addLocalHost(client), src.name);
      hostB = await addSshHost(client, 'kvm-b');
      app.close();
      before = source();
    }, 60_000);
    afterAll(() => {
      sshB(b, `rm -f ${POOL_DIR}/qhci-t-clcrash-* ${POOL_DIR}/${baseVolume()}`);
      virshB(b, 'pool-refresh', POOL);
      removeCloneSource(src);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it.each<Point>([
      ['volumes', 'undo'],
      ['files', 'start'],
      ['seed', 'undo'],
      ['define', 'undo'],
      ['record', 'start'],
    ])('a full clone killed at %s (%s): nothing of it on either host', async (step, at) => {
      const name = uniq('qhci-t-clcrash');
      const op = { op: 'clone' as const, vmId: srcId, name, placement: { hostId: hostB, pool: POOL } };
      expect(await crashAt(dataDir, op, [step, at])).toBe(`KILL vm.clone:${step}:${at}`);
      const { app, client } = await reopen(dataDir);
      try {
        expect(await lastTask(client, 'vm.clone')).toMatchObject({ state: 'failed', interrupted: true });
        expect(domainsOnB(b)).not.toContain(name);
        expect(volumesOnB(b).filter((v) => v.startsWith(name))).toEqual([]);
        expect(volumesOnA().filter((v) => v.startsWith(name))).toEqual([]);
        expect((await client.call('vms.list', {})).some((v) => v.name === name)).toBe(false);
        expect(source()).toEqual(before);
      } finally {
        app.close();
      }
    });

    it('a linked clone killed after its base was verified keeps the base, recorded, and nothing else', async () => {
      const name = uniq('qhci-t-clcrash');
      {
        const { app } = await reopen(dataDir);
        // Setup only: the template flag set directly, as the convert operation would leave it.
        app.repos.vms.setTemplate(srcId, true);
        app.close();
      }
      const op = {
        op: 'clone' as const,
        vmId: srcId,
        name,
        mode: 'linked' as const,
        placement: { hostId: hostB, pool: POOL },
      };
      // Killed as it is about to define the clone: its base and its seed are made (the seed beside the base).
      expect(await crashAt(dataDir, op, ['define', 'undo'])).toBe('KILL vm.clone:define:undo');
      const { app, client } = await reopen(dataDir);
      try {
        expect(await lastTask(client, 'vm.clone')).toMatchObject({ state: 'failed', interrupted: true });
        expect(domainsOnB(b)).not.toContain(name);
        expect(volumesOnB(b).filter((v) => v.startsWith(name))).toEqual([]);
        expect(volumesOnB(b)).toContain(baseVolume());
        expect(volumesOnA().filter((v) => v.startsWith(name) || v === baseVolume())).toEqual([]);
        expect(app.repos.vms.linkedChildren(srcId)).toEqual([]);
        expect(source()).toEqual(before);
        // The next linked clone there stands on it.
        const next = uniq('qhci-t-clcrash');
        const { taskId } = await client.call('vms.clone', {
          vmId: srcId,
          name: next,
          mode: 'linked',
          placement: { hostId: hostB, pool: POOL },
        });
        const task = await waitTask(client, taskId, 60_000);
        expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
        expect(task.steps.find((s) => s.name === 'volumes')?.detail).toContain(`${POOL_DIR}/${baseVolume()}`);
        virshB(b, 'undefine', next);
      } finally {
        app.close();
      }
    });
  },
);
