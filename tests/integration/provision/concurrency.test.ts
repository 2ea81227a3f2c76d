/**
 * 20 creations at once across 3 hosts never double-book capacity: each host takes only as many VMs as its
 * free memory holds, the others are refused with the scheduler's reasons, and every accepted one is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { removeDomain } from '../../helpers/domains';
import {
  domainNames,
  MiB,
  POOL,
  poolVolumes,
  removeVolume,
  sshConnection,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`concurrent creations ${NO_TESTBED}`, () => {
  let t: TestApp;
  const hostIds: string[] = [];
  const names: string[] = [];

  beforeAll(async () => {
    t = startTestApp();
    // Three hosts, three connections: the local libvirt, and two SSH endpoints of the testbed, both pointed
    // at the real qemu:///system so that every creation really happens.
    hostIds.push(
      (
        await t.client.call('hosts.add', {
          name: 'h1',
          connection: { kind: 'libvirt', uri: 'qemu:///system' },
        })
      ).id,
    );
    for (const [name, as] of [
      ['kvm-a', 'h2'],
      ['sim-b', 'h3'],
    ] as const) {
      const h = await t.client.call('hosts.add', {
        name: as,
        connection: { ...sshConnection(name), uri: 'qemu:///system' },
        acceptFingerprint: host(name).hostKeyFingerprint,
      });
      hostIds.push(h.id);
    }
  });

  afterAll(async () => {
    for (const v of await t.client.call('vms.list', {})) {
      if (names.includes(v.name)) {
        const d = await t.client.call('vms.get', { id: v.id });
        if (d.uuid) removeDomain(d.uuid);
      }
    }
    t.dispose();
    for (const n of names) removeVolume(`${n}-disk0.qcow2`);
  });

  it('books each host at most what it has, and creates every VM it accepted', async () => {
    // Size the VMs so that exactly three fit on each host, from what the scheduler sees as free.
    const dry = await t.client.call('scheduler.place', {
      request: { vcpus: 1, memoryBytes: 64 * MiB, disks: [{ sizeBytes: 16 * MiB, thin: true, pool: POOL }] },
    });
    expect(dry.ok).toBe(true);
    if (!dry.ok) return;
    const free = new Map(dry.result.table.map((r) => [r.hostId, r.free.memoryBytes!]));
    const memory = Math.floor(Math.min(...free.values()) / 3 / MiB) * MiB;
    const fits = new Map([...free].map(([id, f]) => [id, Math.floor(f / memory)]));
    const capacity = [...fits.values()].reduce((a, b) => a + b, 0);
    expect(capacity).toBeLessThan(20);

    const batch = Array.from({ length: 20 }, () => uniq('qt-many'));
    names.push(...batch);
    const results = await Promise.allSettled(
      batch.map((name) =>
        t.client.call('vms.create', {
          request: {
            name,
            compute: { sockets: 1, cores: 1, memoryBytes: memory },
            disks: [{ kind: 'new', sizeBytes: 16 * MiB, pool: POOL }],
            boot: { kind: 'none' },
            start: false,
          },
        }),
      ),
    );
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as { message: string }] : [],
    );
    expect(accepted).toHaveLength(capacity);
    for (const e of refused) expect(e.message).toMatch(/No feasible nodes found|Insufficient resources/);

    const perHost = new Map<string, number>();
    for (const a of accepted) {
      const vm = await t.client.call('vms.get', { id: a.vmIds[0]! });
      perHost.set(vm.hostId!, (perHost.get(vm.hostId!) ?? 0) + 1);
    }
    for (const [id, n] of perHost) expect(n).toBeLessThanOrEqual(fits.get(id)!);
    // Spread used all three.
    expect(perHost.size).toBe(3);

    for (const a of accepted) {
      const task = await waitTask(t.client, a.taskIds[0]!, 180_000);
      expect(task.error).toBeNull();
    }
    const defined = domainNames();
    const created = batch.filter((n) => defined.includes(n));
    expect(created).toHaveLength(capacity);
    // The refused ones left nothing behind.
    const vols = poolVolumes();
    for (const n of batch.filter((x) => !created.includes(x))) {
      expect(vols.filter((v) => v.startsWith(`${n}-`))).toEqual([]);
    }
  });
});
