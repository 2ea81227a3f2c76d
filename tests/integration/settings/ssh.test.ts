/**
 * Settings changes through an SSH host (kvm-a: virsh in its session over ssh2), on the same real libvirt:
 * cold and live changes read back with `virsh dumpxml`, a description full of shell and virsh syntax kept
 * as text, a failure injected after the new definition undone, and hostile names refused with nothing
 * changed.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { isAppErrorData } from '../../../src/shared/domain/errors';
import { MiB } from '../../../src/shared/domain/provision';
import { createClient, type QhciClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { addSshHost, POOL, POOL_DIR, waitTask } from '../../helpers/provision';
import { defineSettingsVm, removeSettingsVm, vmVolumes, type SettingsVm } from '../../helpers/settings';
import { vmIdOf } from '../../helpers/snapshots';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const HOSTILE = `it's "quoted" $(touch /tmp/qhci-t-pwned) \`id\` ; --domain=x\nsecond line`;

describe.skipIf(!testbed)(`settings through an SSH host ${NO_TESTBED}`, () => {
  let app: App;
  let client: QhciClient;
  let hostId = '';
  let failAt = '';
  const dataDir = tempDir();
  const vms: SettingsVm[] = [];
  const make = () => {
    const vm = defineSettingsVm();
    vms.push(vm);
    return vm;
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!isAppErrorData(err)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  };

  beforeAll(async () => {
    app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      provisioning: { rollbackRetryMs: 3000 },
      checkpoint: (p) => {
        if (p.kind === 'vm.settings' && p.step === failAt && p.at === 'start') throw new Error('injected');
      },
    });
    client = createClient(inProcessBridge(app));
    hostId = await addSshHost(client, 'kvm-a');
  });
  afterAll(() => {
    app.close();
    for (const vm of vms) removeSettingsVm(vm);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync('/tmp/qhci-t-pwned', { force: true });
  });

  it('a shut-off VM, then running: changes made and read back, the description kept as text', async () => {
    const vm = make();
    const vmId = await vmIdOf(client, hostId, vm.name);
    const cold = await client.call('vms.updateSettings', {
      vmId,
      changes: [
        { kind: 'vcpus', current: 2 },
        { kind: 'memory', currentBytes: 192 * MiB },
        { kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB },
        { kind: 'disk-grow', target: 'vda', sizeBytes: 24 * MiB },
        { kind: 'description', text: HOSTILE },
        { kind: 'autostart', enabled: true },
      ],
    });
    const t1 = await waitTask(client, cold.taskId, 60_000);
    expect(t1.error ?? null).toBeNull();
    const x = virsh('dumpxml', '--inactive', vm.uuid);
    expect(x).toContain("<vcpu placement='static' current='2'>4</vcpu>");
    expect(x).toContain(`<source file='${POOL_DIR}/${vm.name}-disk1.qcow2'/>`);
    expect(virsh('vol-info', '--bytes', vm.disk)).toMatch(/Capacity:\s+25165824 bytes/);
    expect(virsh('desc', '--config', vm.uuid).trimEnd()).toBe(HOSTILE);
    expect(virsh('dominfo', vm.uuid)).toMatch(/Autostart:\s+enable/);
    expect(existsSync('/tmp/qhci-t-pwned')).toBe(false);

    virsh('start', vm.uuid);
    await client.call('hosts.sync', { id: hostId });
    const live = await client.call('vms.updateSettings', {
      vmId,
      changes: [
        { kind: 'vcpus', current: 3 },
        { kind: 'nic-add', network: 'default' },
        { kind: 'description', text: `${HOSTILE} (live)` },
        { kind: 'autostart', enabled: false },
      ],
    });
    const t2 = await waitTask(client, live.taskId, 60_000);
    expect(t2.error ?? null).toBeNull();
    for (const doc of [virsh('dumpxml', vm.uuid), virsh('dumpxml', '--inactive', vm.uuid)]) {
      expect(doc).toMatch(/<vcpu placement='static' current='3'>4<\/vcpu>/);
      expect(doc.match(/<interface type='network'>/g)).toHaveLength(2);
    }
    expect(virsh('desc', '--live', vm.uuid).trimEnd()).toBe(`${HOSTILE} (live)`);
    expect(existsSync('/tmp/qhci-t-pwned')).toBe(false);
  });

  it('a failure after the new definition: the old one back, the new volume gone', async () => {
    const vm = make();
    const vmId = await vmIdOf(client, hostId, vm.name);
    const before = virsh('dumpxml', '--inactive', vm.uuid);
    failAt = 'record';
    const { taskId } = await client.call('vms.updateSettings', {
      vmId,
      changes: [
        { kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB },
        { kind: 'nic-add', network: 'default' },
        { kind: 'labels', labels: { tier: 'web' } },
      ],
    });
    const task = await waitTask(client, taskId, 60_000);
    failAt = '';
    expect(task).toMatchObject({ state: 'failed', error: { message: 'injected' } });
    expect(virsh('dumpxml', '--inactive', vm.uuid)).toBe(before);
    expect(vmVolumes(vm)).toEqual([`${vm.name}.qcow2`]);
    expect((await client.call('vms.get', { id: vmId })).labels).toEqual({});
  });

  it('hostile names are refused, and nothing changes', async () => {
    const vm = make();
    const vmId = await vmIdOf(client, hostId, vm.name);
    const before = virsh('dumpxml', '--inactive', vm.uuid);
    const tasksBefore = (await client.call('tasks.list', {})).length;
    const bad = [
      { kind: 'disk-add-new', pool: '--pool=default', sizeBytes: 16 * MiB },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB, name: '--vol=x.qcow2' },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB, name: '../../etc/x.qcow2' },
      { kind: 'disk-add-existing', pool: POOL, volume: '$(touch /tmp/qhci-t-pwned)' },
      { kind: 'nic-add', network: '--network=x' },
      { kind: 'cdrom-insert', pool: POOL, volume: 'a\nb.iso' },
      { kind: 'disk-grow', target: 'vda;ls', sizeBytes: 32 * MiB },
      { kind: 'nic-remove', mac: '--mac=52:54:00:00:00:01' },
    ];
    for (const change of bad) {
      const err = await refusal(client.call('vms.updateSettings', { vmId, changes: [change as never] }));
      expect(err.code, JSON.stringify(change)).toBe('VALIDATION');
      expect(err.message.length).toBeGreaterThan(10);
    }
    // Well-formed names that are not on the host: refused by the plan before any task starts.
    const unknown = await refusal(
      client.call('vms.updateSettings', {
        vmId,
        changes: [{ kind: 'nic-add', network: 'qhci-t-no-such-net' }],
      }),
    );
    expect(unknown.message).toBe(
      "The change cannot be made: change 1: Network qhci-t-no-such-net is not on the VM's host",
    );
    expect((await client.call('tasks.list', {})).length).toBe(tasksBefore);
    expect(virsh('dumpxml', '--inactive', vm.uuid)).toBe(before);
    expect(vmVolumes(vm)).toEqual([`${vm.name}.qcow2`]);
    expect(existsSync('/tmp/qhci-t-pwned')).toBe(false);
  });
});
