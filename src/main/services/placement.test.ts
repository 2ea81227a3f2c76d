import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST_POLICY } from '../../shared/domain/host';
import type { SnapshotRows } from '../inventory/snapshot.repo';
import { explain } from '../scheduler';
import { toSnapshots } from './placement';

const GiB = 1024 ** 3;
const facts = JSON.stringify({ cpus: 8, memoryBytes: 32 * GiB, domainType: 'kvm', uefiAvailable: true });

function rows(policy: string, vms: SnapshotRows['vms'] = []): SnapshotRows {
  return {
    hosts: [
      { id: 'h1', name: 'a', state: 'connected', stale: 0, maintenance: 0, labels: '{}', facts, policy },
    ],
    vms,
    pools: [],
    networks: [],
    images: [],
  };
}

describe('toSnapshots', () => {
  it('gives a host never given a policy the defaults', () => {
    const [h] = toSnapshots(rows('{}'));
    expect(h).toMatchObject({
      reserve: DEFAULT_HOST_POLICY.reserve,
      overcommit: DEFAULT_HOST_POLICY.overcommit,
      reserveStoppedVms: false,
    });
  });

  it("carries the host's own policy, and the defaults for the keys it leaves out", () => {
    const [h] = toSnapshots(rows(JSON.stringify({ reserve: { cpus: 2 }, overcommit: { memory: 1.5 } })));
    expect(h).toMatchObject({
      reserve: { cpus: 2, memoryBytes: DEFAULT_HOST_POLICY.reserve.memoryBytes },
      overcommit: { cpu: DEFAULT_HOST_POLICY.overcommit.cpu, memory: 1.5 },
      reserveStoppedVms: false,
    });
  });

  it('takes the default for a stored value that is out of bounds or not JSON at all', () => {
    const [h] = toSnapshots(
      rows(JSON.stringify({ overcommit: { cpu: 1000, memory: 2 }, reserveStoppedVms: 'y' })),
    );
    expect(h!.overcommit).toEqual({ cpu: DEFAULT_HOST_POLICY.overcommit.cpu, memory: 2 });
    expect(h!.reserveStoppedVms).toBe(false);
    expect(toSnapshots(rows('not json'))[0]!.overcommit).toEqual(DEFAULT_HOST_POLICY.overcommit);
  });

  it('the policy decides what fits: reserve and overcommit, stopped VMs when the host reserves for them', () => {
    const stopped = [{ host_id: 'h1', vcpus: 8, memory_bytes: 16 * GiB, state: 'shutoff', labels: '{}' }];
    const req = {
      vcpus: 8,
      memoryBytes: 20 * GiB,
      disks: [],
      firmware: { uefi: false, tpm: false },
      requireKvm: false,
      labels: {},
      count: 1,
      strategy: 'spread' as const,
    };
    const reasons = (policy: object, vms: SnapshotRows['vms'] = []) => {
      const out = explain(req, toSnapshots(rows(JSON.stringify(policy), vms)));
      return out.ok ? [] : out.failure.table[0]!.reasons;
    };
    // (8 - 0) x 4 vCPUs, (32 GiB - 512 MiB) x 1: fits; the stopped VM holds nothing.
    expect(reasons({}, stopped)).toEqual([]);
    // A 16 GiB memory reserve leaves 16 GiB, unless memory is overcommitted 1.5 times (24 GiB).
    expect(reasons({ reserve: { memoryBytes: 16 * GiB } })).toEqual([
      'Insufficient resources: memory (needs 20 GiB, 16 GiB of 16 GiB free)',
    ]);
    expect(reasons({ reserve: { memoryBytes: 16 * GiB }, overcommit: { memory: 1.5 } })).toEqual([]);
    // The stopped VM's 8 vCPUs and 16 GiB count once the host reserves for stopped VMs.
    expect(reasons({ reserveStoppedVms: true }, stopped)).toEqual([
      'Insufficient resources: memory (needs 20 GiB, 15.5 GiB of 31.5 GiB free)',
    ]);
    // 6 CPUs left x 1 = 6 vCPUs.
    expect(reasons({ reserve: { cpus: 2 }, overcommit: { cpu: 1 } })).toEqual([
      'Insufficient resources: vCPUs (needs 8, 6 of 6 free)',
    ]);
  });
});
