/**
 * Clones placed by the scheduler, on the testbed's two real libvirt hosts: kvm-a (qemu:///system, added as
 * the local URI) and kvm-b (a second libvirtd in its own mount namespace, reached over SSH: its
 * /var/lib/libvirt is a different directory, as on another machine). A refusal carries the scheduler's
 * explanation and makes nothing. A full clone to kvm-b is flattened on kvm-a, sent through this
 * workstation, checked by SHA-256 and defined there, with nothing left behind on kvm-a. Linked clones on
 * kvm-b stand on the template's base, copied there once, recorded, and reused by the next one.
 */
import { existsSync, readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  removeCloneSource,
  removeDomainAndFiles,
  sha256,
  tpmDir,
  treeSums,
  type CloneSource,
} from '../../helpers/clones';
import { virsh } from '../../helpers/domains';
import {
  addLocalHost,
  addSshHost,
  domainNames,
  dumpxml,
  POOL,
  POOL_DIR,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { pathOnB, secondHost, sshB, virshB, type SecondHost } from '../../helpers/second-host';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const kvmB = secondHost();

/** On kvm-b, as kvm-b sees its files. */
const onB = (b: SecondHost, argv: string[]) =>
  sshB(b, argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' '));

function chainOnB(b: SecondHost, path: string) {
  return JSON.parse(onB(b, ['qemu-img', 'info', '-U', '--backing-chain', '--output=json', path])) as {
    filename: string;
    'backing-filename'?: string;
  }[];
}

const readsOnB = (b: SecondHost, path: string, cmd: string) =>
  !/(fail|error|differs)/i.test(onB(b, ['qemu-io', '-r', '-U', '-f', 'qcow2', '-c', cmd, path]));

function removeOnB(b: SecondHost, name: string, files: readonly string[]) {
  for (const args of [
    ['destroy', name],
    ['undefine', name, '--nvram'],
  ]) {
    try {
      virshB(b, ...args);
    } catch {
      // not there
    }
  }
  onB(b, ['rm', '-f', '--', ...files]);
  virshB(b, 'pool-refresh', POOL);
}

describe.skipIf(!testbed)(`clones placed by the scheduler ${NO_TESTBED}`, () => {
  let t: TestApp;
  let src: CloneSource;
  let srcId = '';
  let hostA = '';
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!isAppErrorData(err)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  };

  beforeAll(async () => {
    src = defineCloneSource();
    t = startTestApp();
    hostA = await addLocalHost(t.client);
    srcId = await vmIdOf(t.client, hostA, src.name);
  });
  afterAll(() => {
    if (src) removeCloneSource(src);
    t.dispose();
  });

  it("refuses with the scheduler's explanation, and makes nothing", async () => {
    const name = uniq('qhci-t-clone');
    const err = await refusal(
      t.client.call('vms.clone', { vmId: srcId, name, placement: { pool: 'qhci-no-such-pool' } }),
    );
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'placement' });
    expect(err.message).toMatch(/^No feasible nodes found/);
    expect(err.message).toMatch(/Node does not have required storage pool/);
    expect((await t.client.call('tasks.list', {})).some((x) => x.kind === 'vm.clone')).toBe(false);
    // Only ours: other tests make and remove their own domains and volumes meanwhile.
    expect(domainNames()).not.toContain(name);
    expect(readdirSync(POOL_DIR).filter((f) => f.startsWith(name))).toEqual([]);
    const db = new Database(t.dbFile, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM reservations').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('places a clone on the source host when it is the only one, and releases what it booked', async () => {
    const name = uniq('qhci-t-clone');
    try {
      const { taskId } = await t.client.call('vms.clone', {
        vmId: srcId,
        name,
        placement: { strategy: 'pack', pool: POOL },
      });
      const task = await waitTask(t.client, taskId, 120_000);
      expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
      expect(task.result).toMatchObject({ hostId: hostA, mode: 'full' });
      expect(dumpxml(name)).toContain(`${POOL_DIR}/${name}-disk0.qcow2`);
      const db = new Database(t.dbFile, { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM reservations').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    } finally {
      removeDomainAndFiles(name, cloneFiles(name));
    }
  });
});

describe.skipIf(!testbed || !kvmB.host)(`clones to another real host ${kvmB.reason || NO_TESTBED}`, () => {
  let t: TestApp;
  let b: SecondHost;
  let src: CloneSource;
  let srcId = '';
  let hostB = '';
  let hostOfA = '';
  const onBNames: string[] = [];

  beforeAll(async () => {
    b = kvmB.host!;
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(src.base, 'write -P 0xbb 1M 64k')).toBe(true);
    t = startTestApp();
    hostOfA = await addLocalHost(t.client);
    hostB = await addSshHost(t.client, 'kvm-b');
    srcId = await vmIdOf(t.client, hostOfA, src.name);
  }, 60_000);
  afterAll(() => {
    for (const n of onBNames) removeOnB(b, n, cloneFiles(n));
    if (src) {
      removeOnB(b, '-', [`${POOL_DIR}/${src.name}-base-vda.qcow2`]);
      removeCloneSource(src);
    }
    t.dispose();
  });

  it('sends a full clone through the workstation, checks its SHA-256, and leaves nothing on the source host', async () => {
    const before = { xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) };
    const name = uniq('qhci-t-clone');
    onBNames.push(name);
    const seen: number[] = [];
    const off = t.client.on('task.progress', ({ task }) => {
      const s = task.steps.find((x) => x.name === 'volumes');
      if (task.kind === 'vm.clone' && s?.state === 'running') seen.push(s.progress);
    });
    let task;
    try {
      const { taskId } = await t.client.call('vms.clone', {
        vmId: srcId,
        name,
        placement: { hostId: hostB, pool: POOL },
      });
      task = await waitTask(t.client, taskId, 180_000);
    } finally {
      off();
    }
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(task.result).toMatchObject({ hostId: hostB });
    expect(task.steps.find((s) => s.name === 'volumes')?.detail).toMatch(/SHA-256 [0-9a-f]{12}… verified/);
    expect(seen.some((f) => f > 0 && f < 1)).toBe(true);

    // On kvm-b: the domain, its own flat copy of the whole chain, a fresh seed; the ISO it lacks left empty.
    const disk = cloneFiles(name)[0]!;
    const xml = virshB(b, 'dumpxml', name);
    expect(xml).toContain(`<source file='${disk}'/>`);
    expect(xml).toContain(`<source file='${cloneFiles(name)[3]}'/>`);
    expect(xml).not.toContain(src.iso);
    const chain = chainOnB(b, disk);
    expect(chain).toHaveLength(1);
    expect(readsOnB(b, disk, 'read -P 0xaa 0 64k')).toBe(true);
    expect(readsOnB(b, disk, 'read -P 0xbb 1M 64k')).toBe(true);
    // Nothing of it on kvm-a: no domain, no volume (the flattened copy is gone), the source unchanged.
    expect(domainNames()).not.toContain(name);
    expect(readdirSync(POOL_DIR).filter((v) => v.startsWith(name))).toEqual([]);
    expect({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) }).toEqual(before);
    const vm = (await t.client.call('vms.list', {})).find((v) => v.name === name);
    expect(vm).toMatchObject({ hostId: hostB, parentId: srcId, linked: false, state: 'shutoff' });
  });

  it("stands linked clones there on the template's base, copied once, verified and reused", async () => {
    // Setup only: the template flag set directly, as the convert operation would leave it.
    t.app.repos.vms.setTemplate(srcId, true);
    const base = `${POOL_DIR}/${src.name}-base-vda.qcow2`;
    const names = [uniq('qhci-t-clone'), uniq('qhci-t-clone')];
    onBNames.push(...names);

    const first = await t.client.call('vms.clone', {
      vmId: srcId,
      name: names[0]!,
      mode: 'linked',
      placement: { hostId: hostB, pool: POOL },
    });
    const one = await waitTask(t.client, first.taskId, 180_000);
    expect(one.state, JSON.stringify(one.error)).toBe('succeeded');
    const sum = onB(b, ['sha256sum', '--', base]).split(' ')[0];
    const db = new Database(t.dbFile, { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM template_bases WHERE template_id = ?').all(srcId);
      expect(row).toEqual([
        expect.objectContaining({ host_id: hostB, target: 'vda', path: base, sha256: sum }),
      ]);
    } finally {
      db.close();
    }
    const mtime = onB(b, ['stat', '-c', '%Y', '--', base]);

    const second = await t.client.call('vms.clone', {
      vmId: srcId,
      name: names[1]!,
      mode: 'linked',
      placement: { hostId: hostB, pool: POOL },
    });
    const two = await waitTask(t.client, second.taskId, 60_000);
    expect(two.state, JSON.stringify(two.error)).toBe('succeeded');
    // Not copied again: the same file, untouched, and no flattened copy on kvm-a.
    expect(onB(b, ['stat', '-c', '%Y', '--', base])).toBe(mtime);
    expect(two.steps.find((s) => s.name === 'volumes')?.detail).not.toMatch(/SHA-256/);
    expect(readdirSync(POOL_DIR).filter((v) => v.startsWith(src.name) && v.includes('-base-'))).toEqual([]);

    for (const name of names) {
      const disk = cloneFiles(name)[0]!;
      const chain = chainOnB(b, disk);
      expect(chain.map((c) => c.filename)).toEqual([disk, base]);
      expect(readsOnB(b, disk, 'read -P 0xaa 0 64k')).toBe(true);
      expect(readsOnB(b, disk, 'read -P 0xbb 1M 64k')).toBe(true);
      const vm = (await t.client.call('vms.list', {})).find((v) => v.name === name);
      expect(vm).toMatchObject({ hostId: hostB, parentId: srcId, linked: true });
    }
  });

  it('places a bulk of linked clones there, the base copied once for all of them', async () => {
    const tpl = defineCloneSource();
    const names = [1, 2, 3].map((i) => `${tpl.name}-${i}`);
    onBNames.push(...names);
    const base = `${POOL_DIR}/${tpl.name}-base-vda.qcow2`;
    try {
      expect(qemuIo(tpl.disk, 'write -P 0xdd 0 64k')).toBe(true);
      const tplId = await vmIdOf(t.client, hostOfA, tpl.name);
      // Setup only: the template flag set directly, as the convert operation would leave it.
      t.app.repos.vms.setTemplate(tplId, true);
      const r = await t.client.call('vms.clone', {
        vmId: tplId,
        name: '{{.VMName}}-{{.Index}}',
        count: 3,
        mode: 'linked',
        placement: { hostId: hostB, pool: POOL },
      });
      const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 180_000)));
      expect(tasks.map((x) => [x.state, x.result?.name, x.result?.hostId])).toEqual(
        names.map((n) => ['succeeded', n, hostB]),
      );
      // Only the first sent the base; the others stood on it.
      const sent = tasks.map((x) => /SHA-256/.test(x.steps.find((s) => s.name === 'volumes')?.detail ?? ''));
      expect(sent).toEqual([true, false, false]);
      for (const name of names) {
        const disk = cloneFiles(name)[0]!;
        expect(chainOnB(b, disk).map((c) => c.filename)).toEqual([disk, base]);
        expect(readsOnB(b, disk, 'read -P 0xdd 0 64k')).toBe(true);
      }
    } finally {
      removeOnB(b, '-', [base]);
      removeCloneSource(tpl);
    }
  });

  it('carries the NVRAM and the TPM state of a UEFI VM to the other host', async () => {
    const uefi = defineCloneSource({ uefi: true, tpm: true });
    const name = uniq('qhci-t-clone');
    onBNames.push(name);
    try {
      // The first start makes the NVRAM from its template and the TPM state.
      virsh('start', uefi.name);
      virsh('destroy', uefi.name);
      const vmId = await vmIdOf(t.client, hostOfA, uefi.name);
      const { taskId } = await t.client.call('vms.clone', {
        vmId,
        name,
        placement: { hostId: hostB, pool: POOL },
      });
      const task = await waitTask(t.client, taskId, 180_000);
      expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
      expect(task.steps.find((s) => s.name === 'files')?.state).toBe('done');

      const xml = virshB(b, 'dumpxml', name);
      const uuid = /<uuid>([^<]+)<\/uuid>/.exec(xml)![1]!;
      const nvram = `/var/lib/libvirt/qemu/nvram/${name}_VARS.fd`;
      expect(xml).toContain(`>${nvram}</nvram>`);
      expect(sha256(pathOnB(b, nvram))).toBe(sha256(uefi.nvram!));
      const tpm = treeSums(pathOnB(b, tpmDir(uuid)));
      expect(tpm.length).toBeGreaterThan(0);
      expect(tpm).toEqual(treeSums(tpmDir(uefi.uuid)));
      // Nothing of it on kvm-a.
      expect(existsSync(nvram)).toBe(false);
      expect(existsSync(tpmDir(uuid))).toBe(false);
      // It starts there with them.
      virshB(b, 'start', name);
      virshB(b, 'destroy', name);
    } finally {
      onB(b, ['rm', '-rf', '--', `/var/lib/libvirt/qemu/nvram/${name}_VARS.fd`]);
      removeCloneSource(uefi);
    }
  });

  it('places each clone of a bulk where the scheduler says, on either host', async () => {
    const prefix = uniq('qhci-t-clone');
    const names = [1, 2, 3].map((i) => `${prefix}-${i}`);
    onBNames.push(...names);
    try {
      const r = await t.client.call('vms.clone', {
        vmId: srcId,
        name: `${prefix}-{{.Index}}`,
        count: 3,
        placement: { pool: POOL, strategy: 'spread' },
      });
      const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 180_000)));
      expect(tasks.map((x) => x.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const listed = await t.client.call('vms.list', {});
      for (const [i, task] of tasks.entries()) {
        const hostId = task.result!.hostId as string;
        expect([hostOfA, hostB]).toContain(hostId);
        expect(listed.find((v) => v.name === names[i])).toMatchObject({ hostId, parentId: srcId });
        const disk = cloneFiles(names[i]!)[0]!;
        if (hostId === hostB) {
          expect(virshB(b, 'list', '--all', '--name')).toContain(names[i]);
          expect(readsOnB(b, disk, 'read -P 0xaa 0 64k')).toBe(true);
          expect(domainNames()).not.toContain(names[i]);
        } else {
          expect(domainNames()).toContain(names[i]);
          expect(qemuIo(disk, 'read -P 0xaa 0 64k')).toBe(true);
        }
      }
    } finally {
      for (const n of names) removeDomainAndFiles(n, cloneFiles(n));
    }
  });
});
