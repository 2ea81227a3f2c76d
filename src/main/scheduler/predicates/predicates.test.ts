import { describe, expect, it } from 'vitest';
import type { HostSnapshot, PlacementRequest } from '../../../shared/domain/placement';
import { diskPools } from '../context';
import type { PlacementOptions } from '../model';
import { candidate, GiB, host, request, reservation, TiB } from '../testing';
import {
  accelerator,
  cpuMemory,
  firmware,
  group,
  hostFilter,
  hostState,
  labels,
  network,
  poolAffinity,
  poolCapacity,
  PREDICATES,
  type Predicate,
} from './index';

function reasons(
  p: Predicate,
  req: PlacementRequest,
  h: HostSnapshot,
  opts: PlacementOptions & { others?: HostSnapshot[] } = {},
): readonly string[] {
  const { ctx, c } = candidate(req, h, opts);
  return p.check(ctx, c) ?? [];
}

const pool = (name: string, availableGiB: number | null, active = true) => ({
  name,
  active,
  availableBytes: availableGiB === null ? null : availableGiB * GiB,
  capacityBytes: TiB,
});

describe('every predicate', () => {
  it('passes a healthy host and a plain request', () => {
    for (const p of PREDICATES) expect(reasons(p, request(), host({ name: 'a' })), p.name).toEqual([]);
  });

  it('has a unique name', () => {
    expect(new Set(PREDICATES.map((p) => p.name)).size).toBe(PREDICATES.length);
  });
});

describe('host-state', () => {
  it('refuses a disconnected host', () => {
    expect(reasons(hostState, request(), host({ name: 'a', connected: false }))).toEqual([
      'Node is not connected',
    ]);
  });

  it('refuses a stale host, one in maintenance, and lists both', () => {
    expect(reasons(hostState, request(), host({ name: 'a', stale: true, maintenance: true }))).toEqual([
      'Node is stale (its last sync failed)',
      'Node is in maintenance',
    ]);
  });
});

describe('cpu-memory', () => {
  it('fits when (total - reserve) x overcommit minus running VMs has room', () => {
    // (8 - 2) x 2 = 12 vCPUs; 10 used by running VMs; 2 left.
    const h = host({
      name: 'a',
      cpus: 8,
      reserve: { cpus: 2, memoryBytes: 0 },
      overcommit: { cpu: 2, memory: 1 },
      vms: [{ vcpus: 10, memoryBytes: GiB, running: true, groups: [] }],
    });
    expect(reasons(cpuMemory, request({ vcpus: 2 }), h)).toEqual([]);
    expect(reasons(cpuMemory, request({ vcpus: 3 }), h)).toEqual([
      'Insufficient resources: vCPUs (needs 3, 2 of 12 free)',
    ]);
  });

  it('reports memory with readable units', () => {
    const h = host({
      name: 'a',
      memoryBytes: 16 * GiB,
      reserve: { cpus: 0, memoryBytes: 2 * GiB },
      vms: [{ vcpus: 1, memoryBytes: 10.5 * GiB, running: true, groups: [] }],
    });
    expect(reasons(cpuMemory, request({ memoryBytes: 4 * GiB }), h)).toEqual([
      'Insufficient resources: memory (needs 4 GiB, 3.5 GiB of 14 GiB free)',
    ]);
  });

  it('ignores stopped VMs unless the host reserves for them', () => {
    const vms = [{ vcpus: 16, memoryBytes: 64 * GiB, running: false, groups: [] }];
    expect(reasons(cpuMemory, request(), host({ name: 'a', vms }))).toEqual([]);
    expect(reasons(cpuMemory, request(), host({ name: 'a', vms, reserveStoppedVms: true }))).toHaveLength(2);
  });

  it('counts reservations', () => {
    const h = host({ name: 'a', cpus: 4 });
    const reservations = [reservation({ hostId: h.id, vcpus: 3, memoryBytes: GiB })];
    expect(reasons(cpuMemory, request({ vcpus: 2 }), h, { reservations })).toEqual([
      'Insufficient resources: vCPUs (needs 2, 1 of 4 free)',
    ]);
  });

  it('fails closed when the CPU count or memory size is unknown', () => {
    expect(reasons(cpuMemory, request(), host({ name: 'a', cpus: null, memoryBytes: null }))).toEqual([
      'unknown CPU count of the node',
      'unknown memory size of the node',
    ]);
  });

  it('fails closed when a VM that holds capacity has unknown size, not when a stopped one does', () => {
    const vms = [
      { vcpus: null, memoryBytes: GiB, running: true, groups: [] },
      { vcpus: 2, memoryBytes: null, running: false, groups: [] },
    ];
    expect(reasons(cpuMemory, request(), host({ name: 'a', vms }))).toEqual([
      'unknown vCPUs or memory of 1 VM on the node',
    ]);
    expect(reasons(cpuMemory, request(), host({ name: 'a', vms, reserveStoppedVms: true }))).toEqual([
      'unknown vCPUs or memory of 2 VMs on the node',
    ]);
  });
});

describe('pool-affinity', () => {
  it('names the required pool a host does not have, in the troubleshooting guide’s words', () => {
    const req = request({ disks: [{ sizeBytes: GiB, thin: true, pool: 'ceph-pool-1' }] });
    expect(reasons(poolAffinity, req, host({ name: 'a' }))).toEqual([
      'Node does not have required storage pool ceph-pool-1',
    ]);
  });

  it('refuses an inactive required pool', () => {
    const req = request({ disks: [{ sizeBytes: GiB, thin: true, pool: 'fast' }] });
    const h = host({ name: 'a', pools: [pool('fast', 100, false)] });
    expect(reasons(poolAffinity, req, h)).toEqual(['Storage pool fast is not active on the node']);
  });

  it('lists each missing pool once, however many disks name it', () => {
    const d = { sizeBytes: GiB, thin: true, pool: 'x' };
    expect(reasons(poolAffinity, request({ disks: [d, d] }), host({ name: 'a' }))).toEqual([
      'Node does not have required storage pool x',
    ]);
  });
});

describe('pool-capacity', () => {
  const h = host({ name: 'a', pools: [pool('default', 100), pool('fast', 10)] });

  it('needs the full size of a thick disk', () => {
    const req = request({ disks: [{ sizeBytes: 20 * GiB, thin: false, pool: 'fast' }] });
    expect(reasons(poolCapacity, req, h)).toEqual([
      'Insufficient resources: storage pool fast (needs 20 GiB, 10 GiB free)',
    ]);
  });

  it('needs only the configured fraction of a thin disk', () => {
    const req = request({ disks: [{ sizeBytes: 50 * GiB, thin: true, pool: 'fast' }] });
    expect(reasons(poolCapacity, req, h)).toEqual([]); // 10% = 5 GiB
    expect(reasons(poolCapacity, req, h, { thinFraction: 0.5 })).toEqual([
      'Insufficient resources: storage pool fast (needs 25 GiB, 10 GiB free)',
    ]);
  });

  it('counts the request’s other disks in the same pool together', () => {
    const d = { sizeBytes: 6 * GiB, thin: false, pool: 'fast' };
    expect(reasons(poolCapacity, request({ disks: [d] }), h)).toEqual([]);
    expect(reasons(poolCapacity, request({ disks: [d, d] }), h)).toEqual([
      'Insufficient resources: storage pool fast (needs 12 GiB, 10 GiB free)',
    ]);
  });

  it('counts what reservations hold in the pool', () => {
    const req = request({ disks: [{ sizeBytes: 6 * GiB, thin: false, pool: 'fast' }] });
    const reservations = [reservation({ hostId: h.id, pools: { fast: 5 * GiB } })];
    expect(reasons(poolCapacity, req, h, { reservations })).toEqual([
      'Insufficient resources: storage pool fast (needs 6 GiB, 5 GiB free)',
    ]);
  });

  it('counts the upload of a boot image the host lacks, in the first disk’s pool', () => {
    const req = request({
      disks: [{ sizeBytes: 4 * GiB, thin: false, pool: 'fast' }],
      bootImage: { name: 'noble.img', sizeBytes: 8 * GiB },
    });
    expect(reasons(poolCapacity, req, h)).toEqual([
      'Insufficient resources: storage pool fast (needs 12 GiB, 10 GiB free)',
    ]);
    const withImage = { ...h, images: [{ name: 'noble.img', path: '/var/lib/libvirt/images/noble.img' }] };
    expect(reasons(poolCapacity, req, withImage)).toEqual([]);
  });

  it('puts disks without a pool in the default pool, or the roomiest active pool when it is full', () => {
    const full = host({ name: 'a', pools: [pool('default', 1), pool('big', 500), pool('off', 900, false)] });
    const req = request({ disks: [{ sizeBytes: 100 * GiB, thin: false }] });
    const { ctx, c } = candidate(req, full);
    expect(diskPools(ctx, c)).toEqual(['big']);
    expect(reasons(poolCapacity, req, full)).toEqual([]);
  });

  it('gives disks without a pool a pool that has room beside an image upload into the first disk’s pool', () => {
    const pools = host({ name: 'a', pools: [pool('default', 26), pool('ceph', 100)] });
    const req = request({
      disks: [
        { sizeBytes: GiB, thin: false, pool: 'default' },
        { sizeBytes: 21 * GiB, thin: false },
      ],
      bootImage: { name: 'noble.img', sizeBytes: 5 * GiB },
    });
    const { ctx, c } = candidate(req, pools);
    expect(diskPools(ctx, c)).toEqual(['default', 'ceph']); // default: 1 + 5 of 26 GiB; 21 more would not fit
    expect(reasons(poolCapacity, req, pools)).toEqual([]);
  });

  it('reports the default pool when no pool has room for disks without a pool', () => {
    const req = request({ disks: [{ sizeBytes: 200 * GiB, thin: false }] });
    expect(reasons(poolCapacity, req, h)).toEqual([
      'Insufficient resources: storage pool default (needs 200 GiB, 100 GiB free)',
    ]);
  });

  it('refuses a host with no active pool for disks that name none', () => {
    const req = request({ disks: [{ sizeBytes: 10 * GiB, thin: false }] });
    expect(reasons(poolCapacity, req, host({ name: 'a', pools: [pool('default', 100, false)] }))).toEqual([
      'Insufficient resources: storage (no active storage pool for 10 GiB)',
    ]);
  });

  it('fails closed when a pool’s free space is unknown', () => {
    const req = request({ disks: [{ sizeBytes: GiB, thin: true, pool: 'fast' }] });
    expect(reasons(poolCapacity, req, host({ name: 'a', pools: [pool('fast', null)] }))).toEqual([
      'unknown free space in storage pool fast',
    ]);
  });

  it('leaves missing pools to pool-affinity', () => {
    const req = request({ disks: [{ sizeBytes: GiB, thin: true, pool: 'nowhere' }] });
    expect(reasons(poolCapacity, req, h)).toEqual([]);
  });
});

describe('network', () => {
  it('requires the network to exist', () => {
    expect(reasons(network, request({ network: 'prod' }), host({ name: 'a' }))).toEqual([
      'Node does not have required network prod',
    ]);
  });

  it('requires the network to be active', () => {
    const h = host({ name: 'a', networks: [{ name: 'prod', active: false }] });
    expect(reasons(network, request({ network: 'prod' }), h)).toEqual([
      'Network prod is not active on the node',
    ]);
  });
});

describe('firmware', () => {
  const req = request({ firmware: { uefi: true, tpm: true } });

  it('requires OVMF for UEFI and swtpm for TPM', () => {
    expect(reasons(firmware, req, host({ name: 'a', uefiAvailable: false, tpmAvailable: false }))).toEqual([
      'UEFI firmware (OVMF) is not available on the node',
      'TPM emulator (swtpm) is not available on the node',
    ]);
  });

  it('fails closed when firmware availability is unknown', () => {
    expect(reasons(firmware, req, host({ name: 'a', uefiAvailable: null, tpmAvailable: null }))).toEqual([
      'unknown UEFI firmware (OVMF) availability on the node',
      'unknown TPM emulator (swtpm) availability on the node',
    ]);
  });

  it('does not care about firmware the VM does not need', () => {
    expect(
      reasons(firmware, request(), host({ name: 'a', uefiAvailable: null, tpmAvailable: false })),
    ).toEqual([]);
  });
});

describe('accelerator', () => {
  it('requires kvm only when the request does', () => {
    const noKvm = host({ name: 'a', kvmUsable: false });
    expect(reasons(accelerator, request(), noKvm)).toEqual([]);
    expect(reasons(accelerator, request({ requireKvm: true }), noKvm)).toEqual([
      'kvm is not usable on the node (guests would run under TCG)',
    ]);
    expect(reasons(accelerator, request({ requireKvm: true }), host({ name: 'a', kvmUsable: null }))).toEqual(
      ['unknown whether kvm is usable on the node'],
    );
  });

  it('refuses every VM on a host whose policy is KVM while kvm is not usable there', () => {
    const strict = host({ name: 'a', kvmUsable: false, acceleratorPolicy: 'kvm' });
    expect(reasons(accelerator, request(), strict)).toEqual([
      "the host's accelerator policy is KVM, but kvm is not usable on the node (set the policy to automatic or TCG)",
    ]);
    const tcg = host({ name: 'a', kvmUsable: true, acceleratorPolicy: 'tcg' });
    expect(reasons(accelerator, request(), tcg)).toEqual([]);
    expect(reasons(accelerator, request({ requireKvm: true }), tcg)).toEqual([
      "the host's accelerator policy is TCG, so its guests never run under kvm",
    ]);
    expect(
      reasons(accelerator, request(), host({ name: 'a', kvmUsable: true, acceleratorPolicy: 'kvm' })),
    ).toEqual([]);
  });
});

describe('host-filter', () => {
  const h = host({ name: 'a' });

  it('refuses a host outside the required hosts', () => {
    expect(reasons(hostFilter, request({ requiredHosts: ['id-b'] }), h)).toEqual([
      'Node is not one of the required nodes',
    ]);
    expect(reasons(hostFilter, request({ requiredHosts: ['id-a'] }), h)).toEqual([]);
  });

  it('refuses an excluded host', () => {
    expect(reasons(hostFilter, request({ excludedHosts: ['id-a'] }), h)).toEqual([
      'Node is excluded by the request',
    ]);
  });
});

describe('labels', () => {
  const h = host({ name: 'a', labels: { zone: 'east', ssd: 'yes' } });

  it('requires every label with exactly its value', () => {
    expect(reasons(labels, request({ labels: { zone: 'east', ssd: 'yes' } }), h)).toEqual([]);
    expect(reasons(labels, request({ labels: { zone: 'west', gpu: 'a100' } }), h)).toEqual([
      'Node label zone is "east", required "west"',
      'Node lacks label gpu=a100',
    ]);
  });

  it('does not take inherited object properties for labels', () => {
    expect(reasons(labels, request({ labels: { constructor: 'x' } }), h)).toEqual([
      'Node lacks label constructor=x',
    ]);
  });
});

describe('group', () => {
  const member = { vcpus: 1, memoryBytes: GiB, running: true, groups: ['db'] };

  it('anti-affinity: refuses a host that runs a member of the group', () => {
    const req = request({ group: { name: 'db', mode: 'anti-affinity' } });
    expect(reasons(group, req, host({ name: 'a', vms: [member] }))).toEqual([
      'Node already runs a member of anti-affinity group db',
    ]);
    expect(reasons(group, req, host({ name: 'a' }))).toEqual([]);
  });

  it('anti-affinity: a reservation for a member counts too', () => {
    const req = request({ group: { name: 'db', mode: 'anti-affinity' } });
    const reservations = [reservation({ hostId: 'id-a', group: 'db' })];
    expect(reasons(group, req, host({ name: 'a' }), { reservations })).toHaveLength(1);
  });

  it('affinity: follows the hosts where members run', () => {
    const req = request({ group: { name: 'db', mode: 'affinity' } });
    const b = host({ name: 'b', vms: [member] });
    expect(reasons(group, req, host({ name: 'a' }), { others: [b] })).toEqual([
      'Affinity group db runs on other nodes (b)',
    ]);
    expect(reasons(group, req, b, { others: [host({ name: 'a' })] })).toEqual([]);
  });

  it('affinity: names a few of the hosts where members run, however many there are', () => {
    const req = request({ group: { name: 'db', mode: 'affinity' } });
    const homes = ['e', 'b', 'd', 'c', 'f'].map((name) => host({ name, vms: [member] }));
    expect(reasons(group, req, host({ name: 'a' }), { others: homes })).toEqual([
      'Affinity group db runs on other nodes (b, c, d and 2 more)',
    ]);
  });

  it('affinity: any host qualifies while no member runs anywhere', () => {
    const req = request({ group: { name: 'db', mode: 'affinity' } });
    expect(reasons(group, req, host({ name: 'a' }), { others: [host({ name: 'b' })] })).toEqual([]);
  });
});
