/**
 * Properties of the scheduler, checked against an oracle written here from the wording alone
 * (no code shared with the predicates): which hosts may take a VM, and what a host can hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  HostSnapshot,
  PlacementRequest,
  PlacementResult,
  Reservation,
} from '../../shared/domain/placement';
import { explain, place, reservationFor } from './index';
import { PlacementError } from './errors';
import { GiB } from './testing';

const THIN = 0.1;
const POOLS = ['default', 'fast', 'ceph'] as const;
const NETWORKS = ['default', 'prod'] as const;
const GROUPS = ['g1', 'g2'] as const;
const IMAGES = [
  { name: 'noble.img', path: '/images/noble.img' },
  { name: 'bookworm.img', path: '/images/bookworm.img' },
];

// ---- Arbitraries: mostly healthy hosts and modest requests, so that many cases have feasible hosts ----

/** x with probability p, else undefined. */
const sometimes = <T>(p: number, x: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: Math.round((1 - p) * 100) },
    { arbitrary: x, weight: Math.round(p * 100) },
  );
const chance = (p: number) => fc.integer({ min: 1, max: 100 }).map((n) => n <= p * 100);
const tri = fc.constantFrom<boolean | null>(true, true, true, true, true, true, false, null);
const gib = (min: number, max: number) => fc.integer({ min, max }).map((n) => n * GiB);

const arbPool = fc.record({
  name: fc.constantFrom(...POOLS),
  active: chance(0.85),
  availableBytes: fc.option(gib(0, 300), { freq: 20 }),
  capacityBytes: fc.option(gib(300, 500), { freq: 20 }),
});

const arbVm = fc.record({
  vcpus: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 20 }),
  memoryBytes: fc.option(gib(1, 8), { freq: 20 }),
  running: fc.boolean(),
  groups: fc.subarray([...GROUPS]),
});

const arbHostBody = fc.record({
  name: fc.constantFrom('a', 'b', 'c', 'd'),
  connected: chance(0.95),
  stale: chance(0.05),
  maintenance: chance(0.05),
  labels: fc.record({ zone: fc.constantFrom('east', 'west'), ssd: fc.constant('yes') }, { requiredKeys: [] }),
  cpus: fc.option(fc.integer({ min: 2, max: 48 }), { freq: 20 }),
  memoryBytes: fc.option(gib(8, 128), { freq: 20 }),
  reserve: fc.record({ cpus: fc.integer({ min: 0, max: 2 }), memoryBytes: gib(0, 2) }),
  overcommit: fc.record({ cpu: fc.constantFrom(1, 1.5, 2, 4), memory: fc.constantFrom(1, 1.25) }),
  reserveStoppedVms: fc.boolean(),
  vms: fc.array(arbVm, { maxLength: 5 }),
  pools: fc.uniqueArray(arbPool, { selector: (p) => p.name, minLength: 1, maxLength: 3 }),
  networks: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NETWORKS), active: chance(0.85) }), {
    selector: (n) => n.name,
  }),
  images: fc.subarray(IMAGES),
  uefiAvailable: tri,
  tpmAvailable: tri,
  kvmUsable: tri,
  acceleratorPolicy: fc.constantFrom('auto' as const, 'kvm' as const, 'tcg' as const),
});

const arbHosts: fc.Arbitrary<HostSnapshot[]> = fc
  .array(arbHostBody, { maxLength: 6 }) // sometimes none at all
  .map((hs) => hs.map((h, i) => ({ ...h, id: `h${i}` })));

const arbDisk = fc.record({
  sizeBytes: gib(1, 40),
  thin: fc.boolean(),
  pool: sometimes(0.3, fc.constantFrom(...POOLS)),
});

function arbRequest(): fc.Arbitrary<PlacementRequest> {
  const id = fc.constantFrom('h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h9');
  return fc.record({
    vcpus: fc.integer({ min: 1, max: 4 }),
    memoryBytes: gib(1, 8),
    disks: fc.array(arbDisk, { maxLength: 3 }),
    network: sometimes(0.3, fc.constantFrom(...NETWORKS)),
    bootImage: sometimes(
      0.4,
      fc.record({ name: fc.constantFrom('noble.img', 'bookworm.img'), sizeBytes: gib(0, 5) }),
    ),
    firmware: fc.record({ uefi: chance(0.2), tpm: chance(0.2) }),
    requireKvm: chance(0.2),
    labels: fc.oneof(
      { arbitrary: fc.constant({}), weight: 4 },
      { arbitrary: fc.record({ zone: fc.constantFrom('east', 'west') }), weight: 1 },
    ),
    group: sometimes(
      0.3,
      fc.record({ name: fc.constantFrom(...GROUPS), mode: fc.constantFrom('affinity', 'anti-affinity') }),
    ),
    requiredHosts: sometimes(0.15, fc.uniqueArray(id, { maxLength: 3 })),
    excludedHosts: sometimes(0.15, fc.uniqueArray(id, { maxLength: 2 })),
    count: fc.integer({ min: 1, max: 5 }),
    strategy: fc.constantFrom('spread', 'pack', 'balance'),
    manualHost: sometimes(0.15, id),
  }) as fc.Arbitrary<PlacementRequest>;
}

function arbReservations(n: number): fc.Arbitrary<Reservation[]> {
  if (n === 0) return fc.constant([]);
  return fc.array(
    fc.record({
      hostId: fc.integer({ min: 0, max: n - 1 }).map((i) => `h${i}`),
      vcpus: fc.integer({ min: 0, max: 4 }),
      memoryBytes: gib(0, 8),
      pools: fc.dictionary(fc.constantFrom(...POOLS), gib(0, 50), { maxKeys: 2 }),
      group: sometimes(0.3, fc.constantFrom(...GROUPS)),
    }),
    { maxLength: 4 },
  ) as fc.Arbitrary<Reservation[]>;
}

const arbCase = arbHosts.chain((hosts) =>
  fc.record({
    hosts: fc.constant(hosts),
    request: arbRequest(),
    reservations: arbReservations(hosts.length),
  }),
);

// ---- The oracle ----

const need = (d: { sizeBytes: number; thin: boolean }) =>
  d.thin ? Math.ceil(d.sizeBytes * THIN) : d.sizeBytes;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function members(h: HostSnapshot, held: Reservation[], group: string): number {
  return h.vms.filter((v) => v.groups.includes(group)).length + held.filter((r) => r.group === group).length;
}

/** The hard rules that `h` breaks for `req`, given what is held on each host. */
function oracle(
  req: PlacementRequest,
  hosts: HostSnapshot[],
  h: HostSnapshot,
  held: Reservation[],
): string[] {
  const mine = held.filter((r) => r.hostId === h.id);
  const fails: string[] = [];
  if (!h.connected || h.stale || h.maintenance) fails.push('host-state');
  if ((req.requiredHosts?.length && !req.requiredHosts.includes(h.id)) || req.excludedHosts?.includes(h.id)) {
    fails.push('host-filter');
  }
  if (Object.entries(req.labels).some(([k, v]) => !Object.hasOwn(h.labels, k) || h.labels[k] !== v)) {
    fails.push('labels');
  }
  if (req.group?.mode === 'anti-affinity' && members(h, mine, req.group.name) > 0) fails.push('group');
  if (req.group?.mode === 'affinity') {
    const g = req.group.name;
    const homes = hosts.filter(
      (x) =>
        members(
          x,
          held.filter((r) => r.hostId === x.id),
          g,
        ) > 0,
    );
    if (homes.length > 0 && !homes.includes(h)) fails.push('group');
  }

  const counted = h.vms.filter((v) => v.running || h.reserveStoppedVms);
  if (
    h.cpus === null ||
    h.memoryBytes === null ||
    counted.some((v) => v.vcpus === null || v.memoryBytes === null)
  ) {
    fails.push('cpu-memory');
  } else {
    const cpuCap = (h.cpus - h.reserve.cpus) * h.overcommit.cpu;
    const memCap = (h.memoryBytes - h.reserve.memoryBytes) * h.overcommit.memory;
    const cpuUsed = sum(counted.map((v) => v.vcpus!)) + sum(mine.map((r) => r.vcpus));
    const memUsed = sum(counted.map((v) => v.memoryBytes!)) + sum(mine.map((r) => r.memoryBytes));
    if (cpuUsed + req.vcpus > cpuCap || memUsed + req.memoryBytes > memCap) fails.push('cpu-memory');
  }

  const poolOf = (name: string) => h.pools.find((p) => p.name === name);
  const pinned = req.disks.filter((d) => d.pool !== undefined);
  if (pinned.some((d) => !poolOf(d.pool!)?.active)) fails.push('pool-affinity');

  // Pool capacity: pinned disks in their pools; the others (and an image upload headed there) together in
  // any one active pool that has room.
  const uploading = req.bootImage !== undefined && !h.images.some((i) => i.name === req.bootImage!.name);
  const upload = uploading ? req.bootImage!.sizeBytes : 0;
  const imageToPinned = uploading && req.disks[0]?.pool !== undefined ? req.disks[0].pool : null;
  const heldIn = (name: string) => sum(mine.map((r) => r.pools[name] ?? 0));
  const pinnedIn = (name: string) =>
    sum(pinned.filter((d) => d.pool === name).map(need)) + (imageToPinned === name ? upload : 0);
  let poolOk = true;
  for (const name of new Set(pinned.map((d) => d.pool!))) {
    const p = poolOf(name);
    if (!p?.active) continue;
    if (p.availableBytes === null || pinnedIn(name) + heldIn(name) > p.availableBytes) poolOk = false;
  }
  const unpinned = req.disks.filter((d) => d.pool === undefined);
  if (unpinned.length > 0 || (uploading && imageToPinned === null)) {
    const shared = sum(unpinned.map(need)) + (imageToPinned === null ? upload : 0);
    const home = h.pools.some(
      (p) =>
        p.active &&
        p.availableBytes !== null &&
        p.availableBytes - heldIn(p.name) - pinnedIn(p.name) >= shared,
    );
    if (!home) poolOk = false;
  }
  if (!poolOk) fails.push('pool-capacity');

  if (req.network !== undefined && !h.networks.some((n) => n.name === req.network && n.active))
    fails.push('network');
  if ((req.firmware.uefi && h.uefiAvailable !== true) || (req.firmware.tpm && h.tpmAvailable !== true)) {
    fails.push('firmware');
  }
  const kvm = h.acceleratorPolicy === 'tcg' ? false : h.kvmUsable;
  if ((req.requireKvm && kvm !== true) || (h.acceleratorPolicy === 'kvm' && kvm === false))
    fails.push('accelerator');
  return fails;
}

/** What placing result's VMs holds, checked against the request before the oracle trusts it. */
function heldBy(req: PlacementRequest, result: PlacementResult, upTo: number): Reservation[] {
  return result.placements.slice(0, upTo).map((p) => {
    req.disks.forEach((d, i) => {
      expect(p.diskPools[i]).toBeTypeOf('string');
      if (d.pool !== undefined) expect(p.diskPools[i]).toBe(d.pool);
    });
    const image = p.uploadImage ? req.bootImage!.sizeBytes : 0;
    expect(sum(Object.values(p.poolBytes))).toBe(sum(req.disks.map(need)) + image);
    const r: Reservation = {
      hostId: p.hostId,
      vcpus: req.vcpus,
      memoryBytes: req.memoryBytes,
      pools: p.poolBytes,
    };
    return req.group ? { ...r, group: req.group.name } : r;
  });
}

const RUNS = { numRuns: 1000 };

describe('scheduler properties', () => {
  it('a chosen host always passes every hard predicate (each VM of a bulk request seeing the ones before it)', () => {
    fc.assert(
      fc.property(arbCase, ({ hosts, request, reservations }) => {
        const outcome = explain(request, hosts, { reservations, thinFraction: THIN });
        const result = outcome.ok ? outcome.result : null;
        const chosen = outcome.ok ? outcome.result.chosen : outcome.failure.placed;
        chosen.forEach((id, i) => {
          const h = hosts.find((x) => x.id === id)!;
          const before = result ? heldBy(request, result, i) : [];
          expect(oracle(request, hosts, h, [...reservations, ...before])).toEqual([]);
        });
        if (request.manualHost !== undefined)
          expect(chosen.every((id) => id === request.manualHost)).toBe(true);
      }),
      RUNS,
    );
  });

  it('the feasible set is exactly the hosts that pass every hard predicate', () => {
    fc.assert(
      fc.property(arbCase, ({ hosts, request, reservations }) => {
        const outcome = explain({ ...request, count: 1 }, hosts, { reservations, thinFraction: THIN });
        const table = outcome.ok ? outcome.result.table : outcome.failure.table;
        expect(table).toHaveLength(hosts.length);
        for (const row of table) {
          const h = hosts.find((x) => x.id === row.hostId)!;
          const expected = oracle(request, hosts, h, reservations);
          expect(row.failed).toEqual(expected);
          expect(row.feasible).toBe(expected.length === 0);
          expect(row.reasons.length >= row.failed.length).toBe(true);
        }
        // With no manual choice, "no host" happens exactly when nothing is feasible.
        if (request.manualHost === undefined) expect(outcome.ok).toBe(table.some((r) => r.feasible));
      }),
      RUNS,
    );
  });

  it('placing agrees with the table: the VM goes to the best feasible host of the table', () => {
    fc.assert(
      fc.property(arbCase, ({ hosts, request, reservations }) => {
        const one: PlacementRequest = { ...request, count: 1 };
        delete one.manualHost;
        const outcome = explain(one, hosts, { reservations, thinFraction: THIN });
        if (!outcome.ok) {
          expect(outcome.failure.table.some((r) => r.feasible)).toBe(false);
          return;
        }
        const [best] = outcome.result.table;
        expect(best!.feasible).toBe(true);
        expect(outcome.result.chosen).toEqual([best!.hostId]);
      }),
      RUNS,
    );
  });

  it('the same request on the same snapshot always gives the same answer, whatever the host order', () => {
    fc.assert(
      fc.property(arbCase, ({ hosts, request, reservations }) => {
        const first = explain(request, hosts, { reservations });
        expect(explain(structuredClone(request), structuredClone(hosts), { reservations })).toEqual(first);
        expect(explain(request, [...hosts].reverse(), { reservations: [...reservations].reverse() })).toEqual(
          first,
        );
      }),
      RUNS,
    );
  });

  it('a bulk placement chooses exactly what one-by-one placements would, each reserving for the next', () => {
    fc.assert(
      fc.property(arbCase, ({ hosts, request, reservations }) => {
        const bulk = explain(request, hosts, { reservations });
        const held = [...reservations];
        const oneByOne: string[] = [];
        for (let i = 0; i < request.count; i++) {
          const step = explain({ ...request, count: 1 }, hosts, { reservations: held });
          if (!step.ok) break;
          const [p] = step.result.placements;
          oneByOne.push(p!.hostId);
          held.push(reservationFor(request, p!));
        }
        expect(bulk.ok ? bulk.result.chosen : bulk.failure.placed).toEqual(oneByOne);
        expect(bulk.ok).toBe(oneByOne.length === request.count);
      }),
      RUNS,
    );
  });

  it('N bulk placements never exceed any host’s CPU, memory or pool space', () => {
    fc.assert(
      fc.property(arbCase, ({ hosts, request, reservations }) => {
        let result: PlacementResult;
        try {
          result = place(request, hosts, { reservations, thinFraction: THIN });
        } catch (e) {
          if (e instanceof PlacementError) return;
          throw e;
        }
        expect(result.chosen).toHaveLength(request.count);
        for (const h of hosts) {
          const mine = result.placements.filter((p) => p.hostId === h.id);
          if (mine.length === 0) continue;
          const held = reservations.filter((r) => r.hostId === h.id);
          const counted = h.vms.filter((v) => v.running || h.reserveStoppedVms);
          const cpuCap = (h.cpus! - h.reserve.cpus) * h.overcommit.cpu;
          const memCap = (h.memoryBytes! - h.reserve.memoryBytes) * h.overcommit.memory;
          const cpu =
            sum(counted.map((v) => v.vcpus!)) + sum(held.map((r) => r.vcpus)) + mine.length * request.vcpus;
          const mem =
            sum(counted.map((v) => v.memoryBytes!)) +
            sum(held.map((r) => r.memoryBytes)) +
            mine.length * request.memoryBytes;
          expect(cpu).toBeLessThanOrEqual(cpuCap);
          expect(mem).toBeLessThanOrEqual(memCap);
          for (const p of h.pools) {
            const placed = sum(mine.map((m) => m.poolBytes[p.name] ?? 0));
            if (placed === 0) continue; // what reservations alone hold is not this placement's doing
            expect(placed + sum(held.map((r) => r.pools[p.name] ?? 0))).toBeLessThanOrEqual(
              p.availableBytes!,
            );
          }
          if (request.group?.mode === 'anti-affinity') {
            expect(mine).toHaveLength(1);
            expect(members(h, held, request.group.name)).toBe(0);
          }
        }
        heldBy(request, result, request.count);
      }),
      RUNS,
    );
  });
});
