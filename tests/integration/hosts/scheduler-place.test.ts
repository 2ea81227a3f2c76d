/** scheduler.place (the wizard's dry run) over the inventory that real syncs of the testbed hosts stored. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_ID } from '../../../src/shared/domain/names';
import { startTestApp, type TestApp } from '../../helpers/app';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

const GiB = 1024 ** 3;

describe.skipIf(!testbed)(`placement over synced hosts ${NO_TESTBED}`, () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = startTestApp();
    for (const name of ['sim-b', 'sim-c']) {
      const h = host(name);
      const added = await t.client.call('hosts.add', {
        name,
        connection: {
          kind: 'ssh',
          address: h.address,
          port: h.port,
          user: h.user,
          auth: { method: 'key', keyFile: testbed!.clientKey },
          uri: h.uri,
        },
        acceptFingerprint: h.hostKeyFingerprint,
      });
      ids[name] = added.id;
    }
  });
  afterAll(() => t.dispose());

  it('explains every host and picks a feasible one', async () => {
    const out = await t.client.call('scheduler.place', {
      request: {
        vcpus: 4,
        memoryBytes: 8 * GiB,
        disks: [{ sizeBytes: 20 * GiB, thin: true }],
        network: 'default',
      },
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.result.chosen).toHaveLength(1);
    expect(Object.values(ids)).toContain(out.result.chosen[0]);
    expect(out.result.table.map((e) => e.hostName).sort()).toEqual(['sim-b', 'sim-c']);
    expect(out.result.table.every((e) => e.feasible)).toBe(true);
  });

  it('more memory than any host has: "No feasible nodes found" with the reason for each host', async () => {
    const out = await t.client.call('scheduler.place', { request: { vcpus: 2, memoryBytes: 512 * GiB } });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.failure.message).toMatch(/^No feasible nodes found/);
    expect(out.failure.table).toHaveLength(2);
    for (const e of out.failure.table) {
      expect(e.feasible).toBe(false);
      expect(e.reasons.join(' ')).toMatch(/Insufficient resources/);
    }
  });

  it('a required pool the hosts lack is named', async () => {
    const out = await t.client.call('scheduler.place', {
      request: { vcpus: 1, memoryBytes: GiB, disks: [{ sizeBytes: GiB, thin: true, pool: 'ceph-pool-1' }] },
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.failure.table[0]!.reasons.join(' ')).toContain(
      'Node does not have required storage pool ceph-pool-1',
    );
  });

  it('a manual choice is still checked, and bulk placements spread', async () => {
    const manual = await t.client.call('scheduler.place', {
      request: { vcpus: 2, memoryBytes: 64 * GiB, manualHost: ids['sim-b']! },
    });
    expect(manual.ok).toBe(false);
    if (!manual.ok) expect(manual.failure.kind).toBe('manual-host-infeasible');
    const bulk = await t.client.call('scheduler.place', {
      request: { vcpus: 1, memoryBytes: GiB, count: 4, strategy: 'spread' },
    });
    expect(bulk.ok).toBe(true);
    if (bulk.ok) expect(new Set(bulk.result.chosen).size).toBe(2);
  });

  it('the dry run follows the inventory: a sync that changes a host is seen by the next placement', async () => {
    const before = await t.client.call('scheduler.place', {
      request: { vcpus: 1, memoryBytes: GiB, network: 'qhci-only' },
    });
    expect(before.ok).toBe(false);
    // The same answer again comes from the cached snapshot; a sync invalidates it.
    t.app.inventory.db
      .prepare(
        "INSERT INTO networks (id, host_id, name, active, updated_at) VALUES ('n-x', ?, 'qhci-only', 1, 'now')",
      )
      .run(ids['sim-b']!);
    expect(
      (
        await t.client.call('scheduler.place', {
          request: { vcpus: 1, memoryBytes: GiB, network: 'qhci-only' },
        })
      ).ok,
    ).toBe(false);
    t.app.events.emit('inventory.changed', { entity: 'hosts', projectId: DEFAULT_PROJECT_ID });
    const after = await t.client.call('scheduler.place', {
      request: { vcpus: 1, memoryBytes: GiB, network: 'qhci-only' },
    });
    expect(after.ok && after.result.chosen).toEqual([ids['sim-b']]);
    await t.client.call('hosts.sync', { id: ids['sim-b']! }); // the real network list comes back
    expect(
      (
        await t.client.call('scheduler.place', {
          request: { vcpus: 1, memoryBytes: GiB, network: 'qhci-only' },
        })
      ).ok,
    ).toBe(false);
  });

  it('a host whose facts are unknown is infeasible ("unknown …"), never chosen', async () => {
    t.app.inventory.db.prepare("UPDATE hosts SET facts = '{}' WHERE id = ?").run(ids['sim-c']!);
    // Every write of the services announces itself; the placement service rebuilds its snapshot on that.
    t.app.events.emit('inventory.changed', { entity: 'hosts', projectId: DEFAULT_PROJECT_ID });
    const out = await t.client.call('scheduler.place', {
      projectId: DEFAULT_PROJECT_ID,
      request: { vcpus: 1, memoryBytes: GiB },
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.result.chosen).toEqual([ids['sim-b']]);
    const c = out.result.table.find((e) => e.hostId === ids['sim-c'])!;
    expect(c.feasible).toBe(false);
    expect(c.reasons.join(' ')).toMatch(/unknown/i);
  });
});
