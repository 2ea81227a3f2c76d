/**
 * Maintenance mode on a real host: kvm-b with two VMs on overlays (one running, one shut off) and a
 * template is emptied onto kvm-a. The plan moves the two and names the template as unable to move; the
 * request is refused until the user chooses to shut such VMs down; then the VMs migrate (live and cold),
 * the host is in maintenance and the scheduler refuses it, until it leaves maintenance.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { startTestApp, type TestApp } from '../../helpers/app';
import { addLocalHost, addSshHost, POOL, POOL_DIR, uniq, waitTask } from '../../helpers/provision';
import { pathOnB, secondHost, virshB, type SecondHost } from '../../helpers/second-host';
import { vmIdOf } from '../../helpers/snapshots';
import { removeFromBoth, stateOn, virshA } from '../../helpers/two-hosts';

const kvmB = secondHost();

describe.skipIf(!kvmB.host)(`maintenance mode empties a real host ${kvmB.reason}`, () => {
  let t: TestApp;
  let b: SecondHost;
  let hostA = '';
  let hostB = '';
  const tag = uniq('qhci-t-mnt');
  const base = join(POOL_DIR, `${tag}-base.qcow2`);
  const names = ['run', 'off', 'tpl'].map((n) => `${tag}-${n}`);
  const disk = (name: string) => join(POOL_DIR, `${name}.qcow2`);
  const onB = (...a: string[]) => virshB(b, ...a);

  beforeAll(async () => {
    b = kvmB.host!;
    const foreign = onB('list', '--all', '--name')
      .split('\n')
      .filter((n) => n.trim() !== '');
    // Entering maintenance moves every VM of the host: this test runs only on a kvm-b of its own.
    expect(foreign, 'kvm-b must define no other domain for this test').toEqual([]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', pathOnB(b, base), '64M']);
    for (const name of names) {
      execFileSync('qemu-img', [
        'create',
        '-q',
        '-u',
        '-f',
        'qcow2',
        '-F',
        'qcow2',
        '-b',
        base,
        pathOnB(b, disk(name)),
        '64M',
      ]);
      const xml = join(pathOnB(b, POOL_DIR), `${name}.xml`);
      execFileSync('sh', ['-c', 'cat > "$1"', 'sh', xml], {
        input: `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk(name)}'/>
  <target dev='vda' bus='virtio'/></disk></devices></domain>`,
      });
      onB('define', xml);
      execFileSync('rm', ['-f', xml]);
    }
    onB('pool-refresh', POOL);
    onB('start', names[0]!);
    t = startTestApp();
    hostA = await addLocalHost(t.client);
    hostB = await addSshHost(t.client, 'kvm-b');
    const tplId = await vmIdOf(t.client, hostB, names[2]!);
    const conv = await t.client.call('vms.convertToTemplate', { vmId: tplId, shutDown: false });
    expect((await waitTask(t.client, conv.taskId)).state).toBe('succeeded');
  }, 180_000);

  afterAll(() => {
    removeFromBoth(b, names, [...names.map(disk), base]);
    t.dispose();
  });

  it('plans both VMs onto kvm-a and names the template that cannot move', async () => {
    const plan = await t.client.call('hosts.maintenancePlan', { id: hostB });
    expect(plan.moves.map((m) => [m.name, m.toHostId]).sort()).toEqual(
      [names[0], names[1]].map((n) => [n, hostA]).sort(),
    );
    expect(plan.stuck.map((s) => s.name)).toEqual([names[2]]);
    expect(plan.stuck[0]!.reason).toMatch(/template stays on its host/);
  });

  it('refuses to start while a VM cannot move, unless such VMs are shut down', async () => {
    const err = await t.client.call('hosts.enterMaintenance', { id: hostB }).catch((e: unknown) => e);
    expect(isAppErrorData(err) && err.code).toBe('CONFLICT');
    expect((err as Error).message).toContain(names[2]);
    expect((await t.client.call('hosts.get', { id: hostB })).host.maintenance).toBe(false);
  });

  it('empties the host, marks it, and placement skips it until it leaves maintenance', async () => {
    const { taskId } = await t.client.call('hosts.enterMaintenance', { id: hostB, stuck: 'shut-down' });
    const task = await waitTask(t.client, taskId, 600_000);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(stateOn(virshA, names[0]!)).toBe('running');
    expect(stateOn(virshA, names[1]!)).toBe('shut off');
    expect(stateOn(onB, names[0]!)).toBeNull();
    expect(stateOn(onB, names[2]!)).toBe('shut off');
    expect(existsSync(pathOnB(b, disk(names[0]!)))).toBe(false);
    expect((await t.client.call('hosts.get', { id: hostB })).host.maintenance).toBe(true);
    const place = await t.client.call('scheduler.place', {
      request: { vcpus: 1, memoryBytes: 64 * 1024 ** 2, manualHost: hostB },
    });
    expect(place.ok).toBe(false);
    expect(JSON.stringify(place)).toContain('Node is in maintenance');
    expect((await t.client.call('hosts.exitMaintenance', { id: hostB })).maintenance).toBe(false);
  }, 600_000);
});
