/**
 * Migration between the testbed's two real libvirt hosts: kvm-a (this machine's libvirtd, a libvirt-URI
 * host) and kvm-b (its own libvirtd in a private mount namespace, reached over SSH). A running VM on a
 * qcow2 overlay over a base migrates live to kvm-b and back, then cold: each time its data and its backing
 * chain arrive, the base is copied only where it is missing, and the VM's own files leave the source.
 * A migration that libvirt refuses midway (a domain with its UUID appears on the destination) rolls back:
 * the VM runs on the source and nothing made for it stays on the destination.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { sha256 } from '../../helpers/clones';
import { addLocalHost, addSshHost, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { pathOnB, secondHost, virshB, type SecondHost } from '../../helpers/second-host';
import { vmIdOf } from '../../helpers/snapshots';
import { defineOverlayVm } from '../../helpers/templates';
import { quiet, removeFromBoth, stateOn, virshA } from '../../helpers/two-hosts';

const kvmB = secondHost();
/** qemu-io reads a pattern back (read-only, sharing the image with a running QEMU). */
const reads = (file: string, pattern: string, offset: string, len: string) =>
  !/Pattern verification failed|error/i.test(
    execFileSync('qemu-io', ['-U', '-r', '-f', 'qcow2', '-c', `read -P ${pattern} ${offset} ${len}`, file], {
      encoding: 'utf8',
    }),
  );
const backingOf = (file: string) =>
  (
    JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', file], { encoding: 'utf8' })) as {
      'backing-filename'?: string;
    }
  )['backing-filename'] ?? null;

describe.skipIf(!kvmB.host)(`migration between two real hosts ${kvmB.reason}`, () => {
  let app: App;
  let client: QhciClient;
  let b: SecondHost;
  let hostA = '';
  let hostB = '';
  let vmId = '';
  let beforeMigrate: () => void = () => undefined;
  const base = join(POOL_DIR, `${uniq('qhci-t-migbase')}.qcow2`);
  let vm: { name: string; disk: string };

  beforeAll(async () => {
    b = kvmB.host!;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '256M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 0 1M', base]);
    vm = defineOverlayVm(base, 'qhci-t-mig');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xcd 1M 1M', vm.disk]);
    virshA('start', vm.name);
    app = createApp({
      dataDir: tempDir(),
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      checkpoint: (p) => {
        if (p.kind === 'vm.migrate' && p.step === 'migrate' && p.at === 'start') beforeMigrate();
      },
    });
    client = createClient(inProcessBridge(app));
    hostA = await addLocalHost(client);
    hostB = await addSshHost(client, 'kvm-b');
    vmId = await vmIdOf(client, hostA, vm.name);
  }, 120_000);

  afterAll(() => {
    removeFromBoth(b, [vm.name], [vm.disk, base]);
    app.close();
  });

  it('shows the preflight: live, the base copied once, the overlay made empty there', async () => {
    const p = await client.call('vms.migratePreflight', { vmId, toHostId: hostB });
    expect(p.ok, JSON.stringify(p.checks)).toBe(true);
    expect(p.mode).toBe('live');
    expect(p.transport).toBe('direct');
    expect(p.copies.map((c) => [c.what, c.path])).toEqual([
      ['base', base],
      ['overlay', vm.disk],
    ]);
    expect(p.checks.find((c) => c.id === `file:${base}`)?.status).toBe('todo');
    // The two hosts are the same machine: their CPUs compare identical (domcapabilities, not the raw CPU).
    expect(p.checks.find((c) => c.id === 'cpu')?.status).toBe('ok');
    expect(p.placement?.hostId).toBe(hostB);
  });

  it('rolls back a migration libvirt refuses: the VM runs on the source, nothing stays on the destination', async () => {
    const uuid = virshA('domuuid', vm.name).trim();
    const squatter = `qhci-t-squat-${uuid.slice(0, 6)}`;
    // A shut-off domain with the VM's UUID, defined on kvm-b just before the migrate step.
    beforeMigrate = () => {
      const file = join(tempDir(), 'squatter.xml');
      writeFileSync(
        file,
        `<domain type='qemu'><name>${squatter}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`,
      );
      virshB(b, 'define', file);
    };
    try {
      const { taskId } = await client.call('vms.migrate', { vmId, toHostId: hostB });
      const task = await waitTask(client, taskId, 300_000);
      expect(task.state).toBe('failed');
      expect(task.error?.message).toMatch(/Migration failed/);
      expect(task.error?.rolledBack).toEqual(expect.arrayContaining([expect.stringContaining(vm.disk)]));
    } finally {
      beforeMigrate = () => undefined;
      quiet(() => virshB(b, 'undefine', squatter));
    }
    expect(stateOn(virshA, vm.name)).toBe('running');
    expect(existsSync(pathOnB(b, vm.disk))).toBe(false);
    expect(existsSync(pathOnB(b, base))).toBe(false);
    expect((await client.call('vms.get', { id: vmId })).hostId).toBe(hostA);
  }, 300_000);

  it('migrates live to kvm-b: data and chain arrive, the overlay leaves kvm-a, the base stays', async () => {
    const { taskId } = await client.call('vms.migrate', { vmId, toHostId: hostB });
    const task = await waitTask(client, taskId, 300_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(stateOn((...a) => virshB(b, ...a), vm.name)).toBe('running');
    expect(stateOn(virshA, vm.name)).toBeNull();
    const there = pathOnB(b, vm.disk);
    expect(backingOf(there)).toBe(base);
    expect(reads(there, '0xcd', '1M', '1M')).toBe(true);
    expect(reads(there, '0xab', '0', '1M')).toBe(true);
    expect(sha256(pathOnB(b, base))).toBe(sha256(base));
    expect(existsSync(vm.disk)).toBe(false);
    expect(existsSync(base)).toBe(true);
    const moved = await client.call('vms.get', { id: vmId });
    expect(moved.hostId).toBe(hostB);
    expect(moved.state).toBe('running');
  }, 300_000);

  it('migrates live back to kvm-a over the base already there', async () => {
    const p = await client.call('vms.migratePreflight', { vmId, toHostId: hostA });
    expect(p.ok, JSON.stringify(p.checks)).toBe(true);
    expect(p.checks.find((c) => c.id === `file:${base}`)?.status).toBe('ok');
    expect(p.copies.map((c) => c.what)).toEqual(['overlay']);
    const task = await waitTask(
      client,
      (await client.call('vms.migrate', { vmId, toHostId: hostA })).taskId,
      300_000,
    );
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(stateOn(virshA, vm.name)).toBe('running');
    expect(stateOn((...a) => virshB(b, ...a), vm.name)).toBeNull();
    expect(reads(vm.disk, '0xcd', '1M', '1M')).toBe(true);
    expect(existsSync(pathOnB(b, vm.disk))).toBe(false);
    expect((await client.call('vms.get', { id: vmId })).hostId).toBe(hostA);
  }, 300_000);

  it('migrates a shut-off VM cold through the console, its disk copied and verified', async () => {
    virshA('destroy', vm.name);
    await app.hosts.sync(hostA);
    const p = await client.call('vms.migratePreflight', { vmId, toHostId: hostB });
    expect(p.ok, JSON.stringify(p.checks)).toBe(true);
    expect([p.mode, p.transport]).toEqual(['cold', 'console']);
    const task = await waitTask(
      client,
      (await client.call('vms.migrate', { vmId, toHostId: hostB })).taskId,
      300_000,
    );
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(stateOn((...a) => virshB(b, ...a), vm.name)).toBe('shut off');
    expect(stateOn(virshA, vm.name)).toBeNull();
    const there = pathOnB(b, vm.disk);
    expect(backingOf(there)).toBe(base);
    expect(reads(there, '0xcd', '1M', '1M')).toBe(true);
    expect(existsSync(vm.disk)).toBe(false);
    expect((await client.call('vms.get', { id: vmId })).hostId).toBe(hostB);
  }, 300_000);
});
