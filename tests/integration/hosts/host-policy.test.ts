/**
 * A host's placement policy through the contract: hosts.update stores it (only the keys given change),
 * hosts.get / hosts.list return it with the defaults filled in, and scheduler.place obeys it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HOST_POLICY, type HostSummary } from '../../../src/shared/domain/host';
import { DEFAULT_PROJECT_ID } from '../../../src/shared/domain/names';
import { startTestApp, type TestApp } from '../../helpers/app';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

const GiB = 1024 ** 3;
const SMALL = { vcpus: 1, memoryBytes: GiB };

describe.skipIf(!testbed)(`host placement policy ${NO_TESTBED}`, () => {
  let t: TestApp;
  let simB: HostSummary;
  beforeAll(async () => {
    t = startTestApp();
    const h = host('sim-b');
    simB = await t.client.call('hosts.add', {
      name: 'sim-b',
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
  });
  afterAll(() => t.dispose());

  const place = (request: { vcpus: number; memoryBytes: number }) =>
    t.client.call('scheduler.place', { request });
  /** The reasons sim-b is refused for, or [] when it is chosen. */
  const refusal = async (request: { vcpus: number; memoryBytes: number } = SMALL) => {
    const out = await place(request);
    if (out.ok) {
      expect(out.result.chosen).toEqual([simB.id]);
      return [];
    }
    return out.failure.table.find((r) => r.hostId === simB.id)!.reasons;
  };

  it('a host starts with the default policy, and sim-b takes a small VM', async () => {
    expect(simB.policy).toEqual(DEFAULT_HOST_POLICY);
    expect(simB.facts).toMatchObject({ cpus: 8, memoryBytes: 16 * GiB });
    expect(await refusal()).toEqual([]);
  });

  it('a memory reserve as big as the host makes it infeasible; other keys keep their value', async () => {
    const updated = await t.client.call('hosts.update', {
      id: simB.id,
      policy: { reserve: { memoryBytes: 16 * GiB } },
    });
    expect(updated.policy).toEqual({ ...DEFAULT_HOST_POLICY, reserve: { cpus: 0, memoryBytes: 16 * GiB } });
    expect((await t.client.call('hosts.get', { id: simB.id })).host.policy).toEqual(updated.policy);
    expect(await refusal()).toEqual(['Insufficient resources: memory (needs 1 GiB, 0 B of 0 B free)']);
    const out = await place(SMALL);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.failure.message).toMatch(/^No feasible nodes found.*Insufficient resources/);

    // Overcommitting memory does not help: the reserve comes off first. Lifting the reserve does.
    await t.client.call('hosts.update', { id: simB.id, policy: { overcommit: { memory: 4 } } });
    expect(await refusal()).toHaveLength(1);
    const lifted = await t.client.call('hosts.update', {
      id: simB.id,
      policy: { reserve: { memoryBytes: 0 } },
    });
    expect(lifted.policy).toEqual({
      reserve: { cpus: 0, memoryBytes: 0 },
      overcommit: { cpu: DEFAULT_HOST_POLICY.overcommit.cpu, memory: 4 },
      reserveStoppedVms: false,
      accelerator: 'auto',
    });
    // 16 GiB x 4: a VM bigger than the host fits now.
    expect(await refusal({ vcpus: 1, memoryBytes: 48 * GiB })).toEqual([]);
  });

  it('CPU: (CPUs - reserve) x overcommit', async () => {
    await t.client.call('hosts.update', {
      id: simB.id,
      policy: { reserve: { cpus: 2 }, overcommit: { cpu: 1 } },
    });
    expect(await refusal({ vcpus: 6, memoryBytes: GiB })).toEqual([]);
    expect(await refusal({ vcpus: 7, memoryBytes: GiB })).toEqual([
      'Insufficient resources: vCPUs (needs 7, 6 of 6 free)',
    ]);
    await t.client.call('hosts.update', { id: simB.id, policy: { overcommit: { cpu: 2 } } });
    expect(await refusal({ vcpus: 12, memoryBytes: GiB })).toEqual([]);
  });

  it('stopped VMs hold their CPU and memory only when the policy reserves for them', async () => {
    await t.client.call('hosts.update', {
      id: simB.id,
      policy: { reserve: { cpus: 0, memoryBytes: 0 }, overcommit: { cpu: 1, memory: 1 } },
    });
    // A stopped VM as a sync would have stored it (sim-b itself runs none).
    t.app.inventory.db
      .prepare(
        `INSERT INTO vms (id, project_id, host_id, uuid, name, state, vcpus, memory_bytes, created_at, updated_at)
         VALUES ('vm-policy-stopped', ?, ?, 'c0ffee00-0000-4000-8000-000000000001', 'stopped-one', 'shutoff',
                 6, ?, 'now', 'now')`,
      )
      .run(DEFAULT_PROJECT_ID, simB.id, 12 * GiB);
    t.app.events.emit('inventory.changed', { entity: 'vms', projectId: DEFAULT_PROJECT_ID });
    const big = { vcpus: 4, memoryBytes: 8 * GiB };
    expect(await refusal(big)).toEqual([]);
    await t.client.call('hosts.update', { id: simB.id, policy: { reserveStoppedVms: true } });
    expect(await refusal(big)).toEqual([
      'Insufficient resources: vCPUs (needs 4, 2 of 8 free)',
      'Insufficient resources: memory (needs 8 GiB, 4 GiB of 16 GiB free)',
    ]);
    await t.client.call('hosts.update', { id: simB.id, policy: { reserveStoppedVms: false } });
    expect(await refusal(big)).toEqual([]);
  });

  it('an invalid policy is a VALIDATION error naming the field, and changes nothing', async () => {
    const before = await t.client.call('hosts.get', { id: simB.id });
    const cases: [unknown, string][] = [
      [{ overcommit: { cpu: 64 } }, 'policy.overcommit.cpu'],
      [{ overcommit: { cpu: 0 } }, 'policy.overcommit.cpu'],
      [{ overcommit: { memory: 0.25 } }, 'policy.overcommit.memory'],
      [{ overcommit: { memory: 5 } }, 'policy.overcommit.memory'],
      [{ reserve: { cpus: -1 } }, 'policy.reserve.cpus'],
      [{ reserve: { cpus: 0.5 } }, 'policy.reserve.cpus'],
      [{ reserve: { memoryBytes: '1G' } }, 'policy.reserve.memoryBytes'],
      [{ reserveStoppedVms: 'yes' }, 'policy.reserveStoppedVms'],
      [{ maintenance: true }, 'policy'],
      ['strict', 'policy'],
    ];
    for (const [policy, field] of cases) {
      // A valid rename beside the invalid policy: the whole update is refused.
      await expect(
        t.client.call('hosts.update', { id: simB.id, name: 'renamed', policy } as never),
      ).rejects.toMatchObject({ code: 'VALIDATION', field });
    }
    expect(await t.client.call('hosts.get', { id: simB.id })).toEqual(before);
    expect(await refusal({ vcpus: 4, memoryBytes: 8 * GiB })).toEqual([]);
  });
});
