/**
 * A full clone of a shut-off VM on the real libvirt (qemu:///system), through the contract: the clone's disk
 * holds the source's data (its whole backing chain) in a separate, sparse file without a backing file; its
 * XML has a new name, UUID, SMBIOS UUID and MAC, its disk and a fresh seed are new files, the installer ISO
 * is shared; the source's XML and files are byte for byte what they were. A running source, a taken name and
 * hostile names are refused and change nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { node, nodes, parseXml, text } from '../../../src/main/virt/xml';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  cloneFiles,
  defineCloneSource,
  poolFiles,
  imgInfo,
  removeCloneSource,
  removeDomainAndFiles,
  sha256,
  tpmDir,
  treeSums,
  type CloneSource,
} from '../../helpers/clones';
import { defineDomain, domstate, removeDomain, virsh } from '../../helpers/domains';
import { addLocalHost, domainNames, dumpxml, uniq, waitTask } from '../../helpers/provision';
import { qemuIo, vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

/** The seed ISO's meta-data file. */
function metaData(iso: string): string {
  return execFileSync('isoinfo', ['-i', iso, '-J', '-x', '/meta-data'], { encoding: 'utf8' });
}

describe.skipIf(!testbed)(`a full clone on the real host ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId = '';
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
  // Only ours: other tests make and remove their own domains and volumes meanwhile.
  const ours = (n: string) => n.startsWith('qhci-t-clone') || n.startsWith('qhci-t-clsrc');
  const state = () => ({
    domains: domainNames().filter(ours).sort(),
    volumes: poolFiles().filter(ours).sort(),
  });

  beforeAll(async () => {
    src = defineCloneSource();
    expect(qemuIo(src.disk, 'write -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(src.base, 'write -P 0xbb 1M 64k')).toBe(true);
    t = startTestApp();
    hostId = await addLocalHost(t.client);
    srcId = await vmIdOf(t.client, hostId, src.name);
  });
  afterAll(() => {
    for (const c of clones) removeDomainAndFiles(c, cloneFiles(c));
    if (src) removeCloneSource(src);
    t.dispose();
  });

  it('copies the disk chain into a sparse file of its own, with a new identity and a fresh seed', async () => {
    const before = { xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) };
    const name = uniq('qhci-t-clone');
    clones.push(name);
    const { taskId } = await t.client.call('vms.clone', { vmId: srcId, name, description: 'a copy' });
    const task = await waitTask(t.client, taskId, 120_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(task.steps.map((s) => [s.name, s.state])).toEqual([
      ['check', 'done'],
      ['volumes', 'done'],
      ['files', 'skipped'],
      ['seed', 'done'],
      ['define', 'done'],
      ['record', 'done'],
    ]);

    const dom = node(parseXml(dumpxml(name)), 'domain');
    const uuid = text(dom, 'uuid')!;
    expect(uuid).not.toBe(src.uuid);
    expect(text(dom, 'description')).toBe('a copy');
    expect(dumpxml(name)).toContain(`<entry name='uuid'>${uuid}</entry>`);
    const devices = node(dom, 'devices');
    const mac = text(node(nodes(devices, 'interface')[0], 'mac'), '@address')!;
    expect(mac).toMatch(/^52:54:00:/);
    expect(dumpxml(src.name)).not.toContain(mac);
    const sources = nodes(devices, 'disk').map((d) => text(node(d, 'source'), '@file'));
    const [disk, iso, seed] = sources;
    expect(disk).toBe(cloneFiles(name)[0]);
    expect(iso).toBe(src.iso);
    expect(seed).toBe(cloneFiles(name)[3]);

    // The data of both layers, in one file without a backing chain, sparse.
    expect(qemuIo(disk!, 'read -P 0xaa 0 64k')).toBe(true);
    expect(qemuIo(disk!, 'read -P 0xbb 1M 64k')).toBe(true);
    const info = imgInfo(disk!);
    expect(info.format).toBe('qcow2');
    expect(info['backing-filename']).toBeUndefined();
    expect(info['virtual-size']).toBe(256 * 1024 ** 2);
    expect(info['actual-size']).toBeLessThan(16 * 1024 ** 2);
    expect(
      execFileSync('qemu-img', ['info', '-U', '--backing-chain', disk!], { encoding: 'utf8' }),
    ).not.toMatch(/backing file/);
    // A fresh seed: a new instance-id (the clone's UUID) and the clone's name as its hostname.
    const meta = metaData(seed!);
    expect(meta).toContain(`instance-id: ${uuid}`);
    expect(meta).toContain(`local-hostname: ${name}`);

    expect({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) }).toEqual(before);
    const listed = (await t.client.call('vms.list', {})).find((v) => v.name === name);
    // The clone names its source as its parent; a full clone is not linked to it.
    expect(listed).toMatchObject({ state: 'shutoff', hostId, parentId: srcId, linked: false });
    // Its devices and new volumes are in the inventory once the task's read-back is done.
    await t.app.provisioning.drain();
    const detail = await t.client.call('vms.get', { id: listed!.id });
    expect(detail.details.disks?.map((d) => d.source)).toEqual([disk, iso, seed]);
    expect(detail.details.nics?.[0]?.mac).toBe(mac);
    const images = await t.client.call('images.list', {});
    expect(
      images
        .filter((i) => i.name.startsWith(name))
        .map((i) => i.path)
        .sort(),
    ).toEqual([disk, seed].sort());
  });

  it('keeps the source locked from a bulk request until its last clone is made', async () => {
    const before = { xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) };
    const prefix = uniq('qhci-t-clone');
    const names = [`${prefix}-1`, `${prefix}-2`];
    clones.push(...names);
    const r = await t.client.call('vms.clone', { vmId: srcId, name: `${prefix}-{{.Index}}`, count: 2 });
    // While they run, nothing else may act on the source: another clone of it is refused as busy.
    const busy = await refusal(t.client.call('vms.clone', { vmId: srcId, name: uniq('qhci-t-clone') }));
    expect(busy.code).toBe('CONFLICT');
    expect(busy.message).toContain(`is busy: "Clone VM ${src.name} as ${names[1]}" is running`);
    const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 120_000)));
    expect(tasks.map((x) => x.state)).toEqual(['succeeded', 'succeeded']);
    for (const name of names) expect(qemuIo(cloneFiles(name)[0]!, 'read -P 0xaa 0 64k')).toBe(true);
    expect({ xml: dumpxml(src.name), disk: sha256(src.disk), base: sha256(src.base) }).toEqual(before);
  });

  it('refuses a running source, saying to shut it down, and makes nothing', async () => {
    virsh('start', src.name);
    try {
      const before = state();
      const err = await refusal(t.client.call('vms.clone', { vmId: srcId, name: uniq('qhci-t-clone') }));
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/shut it down first/);
      expect(state()).toEqual(before);
    } finally {
      virsh('destroy', src.name);
    }
  });

  it('refuses a taken name and hostile names, and makes nothing', async () => {
    const before = state();
    const taken = await refusal(t.client.call('vms.clone', { vmId: srcId, name: src.name }));
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'name' });
    for (const name of ['--pool=x', '-x', '../etc', 'a b', 'x;rm -rf /', "a'b", '', 'é', 'a'.repeat(64)]) {
      const err = await refusal(t.client.call('vms.clone', { vmId: srcId, name }));
      expect(err.code, name).toBe('VALIDATION');
    }
    expect(state()).toEqual(before);
  });
});

describe.skipIf(!testbed)(`a clone of a disk with 1 GiB of data ${NO_TESTBED}`, () => {
  let t: TestApp;
  let src: CloneSource | undefined;
  const name = uniq('qhci-t-clone');

  beforeAll(() => {
    src = defineCloneSource({ size: '1G' });
    expect(qemuIo(src.disk, 'write -P 0x5a 0 1G')).toBe(true);
    t = startTestApp();
  });
  const extra: string[] = [];
  let srcId = '';
  /** The source's id, its host added on first use. */
  const sourceId = async () => (srcId ||= await vmIdOf(t.client, await addLocalHost(t.client), src!.name));
  afterAll(() => {
    for (const n of [name, ...extra]) removeDomainAndFiles(n, cloneFiles(n));
    if (src) removeCloneSource(src);
    t.dispose();
  });

  it("reports qemu-img's progress while the disk is copied", async () => {
    const vmId = await sourceId();
    const seen: number[] = [];
    const off = t.client.on('task.progress', ({ task }) => {
      const s = task.steps.find((x) => x.name === 'volumes');
      if (task.kind === 'vm.clone' && s?.state === 'running') seen.push(s.progress);
    });
    try {
      const { taskId } = await t.client.call('vms.clone', { vmId, name });
      const task = await waitTask(t.client, taskId, 300_000);
      expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    } finally {
      off();
    }
    expect(
      seen.some((f) => f > 0 && f < 1),
      JSON.stringify(seen),
    ).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(qemuIo(cloneFiles(name)[0]!, 'read -P 0x5a 1023M 1M')).toBe(true);
  });

  // The check under the lock reads again only what can change since the request: one that finds its name
  // taken meanwhile is refused there, before anything of it is made.
  it('refuses, under its lock, a name the host took after the request, and makes nothing of that clone', async () => {
    const vmId = await sourceId();
    const prefix = uniq('qhci-t-clone');
    const names = [`${prefix}-1`, `${prefix}-2`];
    extra.push(...names);
    const r = await t.client.call('vms.clone', { vmId, name: `${prefix}-{{.Index}}`, count: 2 });
    // The first clone copies 1 GiB; meanwhile a domain of the second's name appears on the host.
    const squatter = defineDomain(names[1]);
    try {
      const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 300_000)));
      expect(tasks.map((x) => x.state)).toEqual(['succeeded', 'failed']);
      expect(tasks[1]!.error?.message).toBe(`A VM named ${names[1]} exists already`);
      expect(tasks[1]!.steps.find((x) => x.name === 'volumes')?.state).not.toBe('succeeded');
      expect(poolFiles().filter((v) => v.startsWith(`${names[1]}-`))).toEqual([]);
      expect(domstate(squatter.uuid)).toBe('shut off');
    } finally {
      removeDomain(squatter.uuid);
    }
  });

  // What the request read of the source stands only while its XML is the same: a source changed after the
  // request is read again, and its clone made from it as it is now.
  it('makes a clone from the source as it is under the lock when it changed after the request', async () => {
    const vmId = await sourceId();
    const prefix = uniq('qhci-t-clone');
    const names = [`${prefix}-1`, `${prefix}-2`];
    extra.push(...names);
    const memory = (n: string) => /<memory unit='KiB'>(\d+)<\/memory>/.exec(dumpxml(n))?.[1];
    const before = memory(src!.name);
    const r = await t.client.call('vms.clone', { vmId, name: `${prefix}-{{.Index}}`, count: 2 });
    virsh('setmaxmem', src!.name, '96M', '--config');
    const tasks = await Promise.all(r.taskIds.map((id) => waitTask(t.client, id, 300_000)));
    expect(tasks.map((x) => x.state)).toEqual(['succeeded', 'succeeded']);
    // The first clone's check ran before the change or after it; the second's after it.
    expect(before).not.toBe(String(96 * 1024));
    expect(memory(names[1]!)).toBe(String(96 * 1024));
    expect(qemuIo(cloneFiles(names[1]!)[0]!, 'read -P 0x5a 1023M 1M')).toBe(true);
  });
});

describe.skipIf(!testbed)(`a clone never probes a disk's format ${NO_TESTBED}`, () => {
  let t: TestApp;
  let src: CloneSource | undefined;
  const name = uniq('qhci-t-clone');

  beforeAll(() => {
    src = defineCloneSource({ hostile: true });
    t = startTestApp();
  });
  afterAll(() => {
    removeDomainAndFiles(name, cloneFiles(name));
    if (src) removeCloneSource(src);
    t.dispose();
  });

  it('copies a raw disk holding a qcow2 header byte for byte, never the host file it names', async () => {
    const vmId = await vmIdOf(t.client, await addLocalHost(t.client), src!.name);
    const { taskId } = await t.client.call('vms.clone', { vmId, name });
    const task = await waitTask(t.client, taskId, 120_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const dir = mkdtempSync(join(tmpdir(), 'qhci-raw-'));
    try {
      const out = join(dir, 'out.raw');
      execFileSync('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'raw', cloneFiles(name)[0]!, out]);
      const head = readFileSync(out).subarray(0, 4096);
      const theirs = readFileSync(src!.disk).subarray(0, 4096);
      expect(head.equals(theirs)).toBe(true);
      expect(head.subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
      expect(head.includes(readFileSync('/etc/hostname'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!testbed)(`a full clone of a UEFI VM with a TPM ${NO_TESTBED}`, () => {
  let t: TestApp;
  let src: CloneSource;
  const name = uniq('qhci-t-clone');

  beforeAll(() => {
    src = defineCloneSource({ uefi: true, tpm: true });
    t = startTestApp();
  });
  afterAll(() => {
    removeDomainAndFiles(name, cloneFiles(name));
    if (src) removeCloneSource(src);
    t.dispose();
  });

  it('copies the NVRAM and the TPM state to the new UUID', async () => {
    // The first start makes the NVRAM from its template and the TPM state.
    virsh('start', src.name);
    virsh('destroy', src.name);
    const hostId = await addLocalHost(t.client);
    const vmId = await vmIdOf(t.client, hostId, src.name);
    const { taskId } = await t.client.call('vms.clone', { vmId, name });
    const task = await waitTask(t.client, taskId, 120_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(task.steps.find((s) => s.name === 'files')?.state).toBe('done');

    const dom = node(parseXml(dumpxml(name)), 'domain');
    const uuid = text(dom, 'uuid')!;
    const nvram = text(node(dom, 'os'), 'nvram')!;
    expect(nvram).toBe(`/var/lib/libvirt/qemu/nvram/${name}_VARS.fd`);
    expect(sha256(nvram)).toBe(sha256(src.nvram!));
    expect(treeSums(tpmDir(uuid))).toEqual(treeSums(tpmDir(src.uuid)));
    expect(treeSums(tpmDir(uuid)).length).toBeGreaterThan(0);
    // The clone starts with them.
    virsh('start', name);
    virsh('destroy', name);
    rmSync(tpmDir(uuid), { recursive: true, force: true });
  });
});
