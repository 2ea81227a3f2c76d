import { describe, expect, it } from 'vitest';
import { PlacementError } from './errors';
import { explain, place, prepare } from './index';
import { GiB, host, request, reservation, TiB } from './testing';

function failure(fn: () => unknown): PlacementError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlacementError) return e;
    throw e;
  }
  throw new Error('expected a PlacementError');
}

describe('place', () => {
  it('chooses the best-scoring feasible host', () => {
    const hosts = [host({ name: 'small', cpus: 4 }), host({ name: 'big', cpus: 64, memoryBytes: 256 * GiB })];
    expect(place(request(), hosts).chosen).toEqual(['id-big']);
  });

  it('breaks ties by host name, whatever the snapshot’s order', () => {
    const hosts = [host({ name: 'c' }), host({ name: 'a' }), host({ name: 'b' })];
    expect(place(request(), hosts).chosen).toEqual(['id-a']);
    expect(place(request(), [...hosts].reverse()).chosen).toEqual(['id-a']);
  });

  it('explains every host: feasible ones by score, then the refused ones by name with every reason', () => {
    const hosts = [
      host({ name: 'z-down', connected: false, maintenance: true }),
      host({ name: 'a-down', connected: false }),
      host({ name: 'busy', vms: [{ vcpus: 8, memoryBytes: 32 * GiB, running: true, groups: [] }] }),
      host({ name: 'idle' }),
    ];
    const { table, chosen } = place(request(), hosts);
    expect(chosen).toEqual(['id-idle']);
    expect(table.map((t) => [t.hostName, t.feasible])).toEqual([
      ['idle', true],
      ['busy', true],
      ['a-down', false],
      ['z-down', false],
    ]);
    expect(table[3]!.reasons).toEqual(['Node is not connected', 'Node is in maintenance']);
    expect(table[3]!.failed).toEqual(['host-state']);
    expect(table[0]!.placed).toBe(1);
    expect(table[1]!.free).toEqual({ vcpus: 8, memoryBytes: 32 * GiB });
    expect(table[0]!.scores.total).toBeGreaterThan(table[1]!.scores.total);
  });

  it('says where each disk goes and what to reserve in each pool', () => {
    const h = host({
      name: 'a',
      pools: [
        { name: 'default', active: true, availableBytes: TiB, capacityBytes: TiB },
        { name: 'fast', active: true, availableBytes: TiB, capacityBytes: TiB },
      ],
    });
    const req = request({
      disks: [
        { sizeBytes: 10 * GiB, thin: false, pool: 'fast' },
        { sizeBytes: 100 * GiB, thin: true },
      ],
      bootImage: { name: 'noble.img', sizeBytes: 2 * GiB },
    });
    const { placements } = place(req, [h]);
    expect(placements).toEqual([
      {
        hostId: 'id-a',
        hostName: 'a',
        diskPools: ['fast', 'default'],
        poolBytes: { fast: 12 * GiB, default: 10 * GiB },
        uploadImage: true,
      },
    ]);
  });

  it('prefers a host that has the boot image already, other things equal', () => {
    const req = request({ bootImage: { name: 'noble.img', sizeBytes: GiB } });
    const hosts = [host({ name: 'a' }), host({ name: 'b', images: [{ name: 'noble.img', path: '/p' }] })];
    expect(place(req, hosts).chosen).toEqual(['id-b']);
  });

  it('accepts a prepared snapshot and gives the same answer', () => {
    const hosts = [host({ name: 'a', cpus: 8 }), host({ name: 'b' })];
    expect(place(request(), prepare(hosts))).toEqual(place(request(), hosts));
  });

  it('sees reservations of placements in flight', () => {
    const hosts = [host({ name: 'a' }), host({ name: 'b', cpus: 4 })];
    const reservations = [reservation({ hostId: 'id-a', vcpus: 15, memoryBytes: GiB })];
    expect(place(request(), hosts, { reservations }).chosen).toEqual(['id-b']);
  });
});

describe('no feasible host', () => {
  it('is an error carrying the whole table, with the promised messages', () => {
    const hosts = [
      host({ name: 'a' }),
      host({
        name: 'b',
        cpus: 1,
        pools: [{ name: 'ceph', active: true, availableBytes: TiB, capacityBytes: TiB }],
      }),
    ];
    const req = request({ disks: [{ sizeBytes: GiB, thin: true, pool: 'ceph' }] });
    const e = failure(() => place(req, hosts));
    expect(e.kind).toBe('no-feasible-host');
    expect(e.message).toBe(
      'No feasible nodes found among 2 nodes: Insufficient resources: vCPUs (1 node); ' +
        'Node does not have required storage pool ceph (1 node)',
    );
    expect(e.table.map((t) => [t.hostName, t.reasons])).toEqual([
      ['a', ['Node does not have required storage pool ceph']],
      ['b', ['Insufficient resources: vCPUs (needs 2, 1 of 1 free)']],
    ]);
    expect(e.toData()).toMatchObject({ index: 0, placed: [] });
  });

  it('is a value from explain(), not an exception', () => {
    const outcome = explain(request(), [host({ name: 'a', stale: true })]);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.failure.message).toBe('No feasible nodes found among 1 node: Node is stale (1 node)');
    }
  });

  it('says so for an empty inventory', () => {
    expect(failure(() => place(request(), [])).message).toBe(
      'No feasible nodes found: the inventory has no nodes',
    );
  });

  it('fails closed: a host we know nothing about is refused, never chosen', () => {
    const unknown = host({
      name: 'mystery',
      cpus: null,
      memoryBytes: null,
      uefiAvailable: null,
      pools: [{ name: 'default', active: true, availableBytes: null, capacityBytes: null }],
    });
    const req = request({ firmware: { uefi: true, tpm: false }, disks: [{ sizeBytes: GiB, thin: true }] });
    const e = failure(() => place(req, [unknown]));
    expect(e.table[0]!.reasons.every((r) => r.startsWith('unknown '))).toBe(true);
    expect(e.table[0]!.reasons).toHaveLength(4);
  });
});

describe('manual choice', () => {
  const hosts = [host({ name: 'a' }), host({ name: 'b', cpus: 64, memoryBytes: 512 * GiB })];

  it('takes the user’s host when it passes every predicate, even if another scores higher', () => {
    expect(place(request({ manualHost: 'id-a' }), hosts).chosen).toEqual(['id-a']);
  });

  it('still checks the user’s host, and explains what it fails', () => {
    const e = failure(() =>
      place(request({ manualHost: 'id-a', network: 'prod', excludedHosts: ['id-a'] }), hosts),
    );
    expect(e.kind).toBe('manual-host-infeasible');
    expect(e.message).toBe(
      'Node a cannot take this VM: Node is excluded by the request; Node does not have required network prod',
    );
  });

  it('cannot override a hard predicate such as maintenance', () => {
    const e = failure(() => place(request({ manualHost: 'id-m' }), [host({ name: 'm', maintenance: true })]));
    expect(e.message).toBe('Node m cannot take this VM: Node is in maintenance');
  });

  it('refuses a host that is not in the inventory', () => {
    const e = failure(() => place(request({ manualHost: 'id-nope' }), hosts));
    expect(e.kind).toBe('manual-host-unknown');
    expect(e.table).toHaveLength(2);
  });

  it('puts every VM of a bulk request on the user’s host while it has room', () => {
    const small = host({ name: 's', cpus: 4 });
    expect(place(request({ manualHost: 'id-s', count: 2 }), [small, ...hosts]).chosen).toEqual([
      'id-s',
      'id-s',
    ]);
    const e = failure(() => place(request({ manualHost: 'id-s', count: 3 }), [small, ...hosts]));
    expect(e.message).toBe(
      'Node s cannot take VM 3 of 3: Insufficient resources: vCPUs (needs 2, 0 of 4 free)',
    );
    expect(e.failure.placed).toEqual(['id-s', 'id-s']);
  });
});

describe('bulk', () => {
  it('spread puts each VM on the next emptiest host', () => {
    const hosts = ['a', 'b', 'c'].map((name) => host({ name }));
    expect(place(request({ count: 4 }), hosts).chosen).toEqual(['id-a', 'id-b', 'id-c', 'id-a']);
  });

  it('pack fills one host before the next', () => {
    const hosts = [host({ name: 'a', cpus: 4 }), host({ name: 'b', cpus: 4 })];
    expect(place(request({ count: 3, strategy: 'pack' }), hosts).chosen).toEqual(['id-a', 'id-a', 'id-b']);
  });

  it('anti-affinity puts no two members on one host, and fails when it runs out of hosts', () => {
    const hosts = ['a', 'b', 'c'].map((name) => host({ name, cpus: 64, memoryBytes: TiB }));
    const group = { name: 'web', mode: 'anti-affinity' as const };
    expect(place(request({ count: 3, group, strategy: 'pack' }), hosts).chosen).toEqual([
      'id-a',
      'id-b',
      'id-c',
    ]);
    const e = failure(() => place(request({ count: 4, group }), hosts));
    expect(e.message).toBe(
      'No feasible nodes found for VM 4 of 4 among 3 nodes: Node already runs a member of anti-affinity group web (3 nodes)',
    );
    expect(e.failure.index).toBe(3);
    expect(e.table.every((t) => t.placed === 1)).toBe(true);
  });

  it('affinity keeps the members together after the first one lands', () => {
    const hosts = ['a', 'b', 'c'].map((name) => host({ name }));
    const group = { name: 'db', mode: 'affinity' as const };
    expect(place(request({ count: 3, group }), hosts).chosen).toEqual(['id-a', 'id-a', 'id-a']);
  });

  it('each VM sees the pool space the ones before it took', () => {
    const pools = [{ name: 'default', active: true, availableBytes: 25 * GiB, capacityBytes: TiB }];
    const hosts = [host({ name: 'a', pools }), host({ name: 'b', pools })];
    const req = request({ count: 4, strategy: 'pack', disks: [{ sizeBytes: 10 * GiB, thin: false }] });
    expect(place(req, hosts).chosen).toEqual(['id-a', 'id-a', 'id-b', 'id-b']);
  });

  it('the table shows the first VM’s view and how many VMs each host received', () => {
    const hosts = ['a', 'b'].map((name) => host({ name }));
    const { table } = place(request({ count: 3 }), hosts);
    expect(table.map((t) => [t.hostName, t.placed])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(table[0]!.free.vcpus).toBe(16);
  });
});

describe('the table of a placement', () => {
  const hosts = [
    host({ name: 'a' }),
    host({ name: 'b', cpus: 1 }),
    host({ name: 'c', connected: false }),
    host({ name: 'd', vms: [{ vcpus: 4, memoryBytes: 8 * GiB, running: true, groups: [] }] }),
  ];

  it('is judged when first read, then kept, and travels with the result (IPC clones, JSON)', () => {
    const result = place(request(), hosts);
    expect(Object.getOwnPropertyDescriptor(result, 'table')?.enumerable).toBe(true);
    expect(Object.keys(result)).toContain('table');
    const table = result.table;
    expect(table).toHaveLength(hosts.length);
    expect(result.table).toBe(table);
    expect(structuredClone(place(request(), hosts)).table).toEqual(table);
    expect((JSON.parse(JSON.stringify(place(request(), hosts))) as typeof result).table).toEqual(table);
  });

  it('stays the one of its own placement when later placements reuse the prepared snapshot', () => {
    const prepared = prepare(hosts);
    const small = place(request({ vcpus: 1 }), prepared);
    const big = place(request({ vcpus: 12, strategy: 'pack' }), prepared);
    expect(small.table).toEqual(place(request({ vcpus: 1 }), hosts).table);
    expect(small.table.filter((r) => r.feasible).map((r) => r.hostName)).toEqual(['a', 'b', 'd']);
    expect(big.table.filter((r) => r.feasible).map((r) => r.hostName)).toEqual(['d', 'a']);
    expect(big.table.find((r) => r.hostName === 'b')!.reasons).toEqual([
      'Insufficient resources: vCPUs (needs 12, 1 of 1 free)',
    ]);
  });

  it('lists every failing predicate of a refused host, though placing stopped at the first', () => {
    const down = host({ name: 'z', connected: false, cpus: 1, networks: [] });
    const { table } = place(request({ vcpus: 4, network: 'default' }), [host({ name: 'a' }), down]);
    expect(table[1]!.failed).toEqual(['host-state', 'cpu-memory', 'network']);
  });
});
