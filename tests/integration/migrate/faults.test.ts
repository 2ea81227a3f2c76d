/**
 * Faults in the middle of a live migration between the two real hosts (kvm-a by URI, kvm-b over SSH), with
 * the migration slowed to 1 MiB/s (`virsh migrate-setspeed`) so that it is surely streaming when the fault
 * comes: the SSH connection to the destination cut, and the console process killed. Each time the VM keeps
 * running on the source, nothing made for it stays on the destination, and the task says what happened.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { crashAt, lastTask, reopen } from '../../helpers/crash';
import { addLocalHost, addSshHost, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { pathOnB, secondHost, virshB, type SecondHost } from '../../helpers/second-host';
import { vmIdOf } from '../../helpers/snapshots';
import { cutSsh, defineOverlayVm } from '../../helpers/templates';
import { removeFromBoth, stateOn, virshA } from '../../helpers/two-hosts';

const kvmB = secondHost();

describe.skipIf(!kvmB.host)(`a live migration interrupted ${kvmB.reason}`, () => {
  let b: SecondHost;
  const base = join(POOL_DIR, `${uniq('qhci-t-mfbase')}.qcow2`);
  let vm: { name: string; disk: string };
  let app: App | null = null;
  let step: () => void = () => undefined;

  /** kvm-b holds nothing of the VM: no domain, no overlay, no base copy (bases are kept only in use). */
  const nothingOnB = () => {
    expect(stateOn((...a) => virshB(b, ...a), vm.name)).toBeNull();
    expect(existsSync(pathOnB(b, vm.disk))).toBe(false);
    expect(existsSync(pathOnB(b, base))).toBe(false);
  };

  beforeAll(() => {
    b = kvmB.host!;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '256M']);
    vm = defineOverlayVm(base, 'qhci-t-mfault');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x77 0 48M', vm.disk]);
    virshA('start', vm.name);
    virshA('migrate-setspeed', vm.name, '1');
  });

  afterAll(() => {
    app?.close();
    removeFromBoth(b, [vm.name], [vm.disk, base]);
  });

  it('the destination connection cut: the VM runs on, the destination is cleaned', async () => {
    app = createApp({
      dataDir: tempDir(),
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      checkpoint: (p) => {
        if (p.kind === 'vm.migrate' && p.step === 'migrate' && p.at === 'start') step();
      },
    });
    const client: QhciClient = createClient(inProcessBridge(app));
    const hostA = await addLocalHost(client);
    const hostB = await addSshHost(client, 'kvm-b');
    const vmId = await vmIdOf(client, hostA, vm.name);
    step = () => setTimeout(() => void cutSsh(app!, hostB), 3000);
    const { taskId } = await client.call('vms.migrate', { vmId, toHostId: hostB });
    const task = await waitTask(client, taskId, 300_000);
    step = () => undefined;
    expect(task.state).toBe('failed');
    expect(task.error?.message).toMatch(/Migration failed/);
    expect(task.error?.rolledBack?.join(' ')).toContain(vm.disk);
    expect(stateOn(virshA, vm.name)).toBe('running');
    nothingOnB();
    expect((await client.call('vms.get', { id: vmId })).hostId).toBe(hostA);
    app.close();
    app = null;
  }, 300_000);

  it('the console killed mid-migration: the VM runs on, the next start cleans the destination', async () => {
    const dataDir = tempDir();
    const first = await reopen(dataDir);
    const hostA = await addLocalHost(first.client);
    const hostB = await addSshHost(first.client, 'kvm-b');
    const vmId = await vmIdOf(first.client, hostA, vm.name);
    first.app.close();
    const last = await crashAt(dataDir, { op: 'migrate', vmId, toHostId: hostB }, ['migrate', 'start+3000']);
    expect(last).toBe('KILL vm.migrate:migrate:start+3000');
    // libvirt gives up the migration once its connections (through the dead process) are gone.
    for (let i = 0; i < 60 && virshA('domjobinfo', vm.name).includes('Unbounded'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(stateOn(virshA, vm.name)).toBe('running');
    const next = await reopen(dataDir);
    app = next.app;
    const task = await lastTask(next.client, 'vm.migrate');
    expect(task.state).toBe('failed');
    expect(task.error?.message).toMatch(/interrupted/);
    nothingOnB();
    expect((await next.client.call('vms.get', { id: vmId })).hostId).toBe(hostA);
  }, 300_000);
});
