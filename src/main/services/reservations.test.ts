/**
 * The capacity book on a real (in-memory) inventory: what the in-process book used to promise, now kept in
 * SQLite rows that every process sees. The cross-process proof, with real `qhci` processes, is
 * tests/integration/provision/processes.test.ts.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_ID } from '../../shared/domain/names';
import type { HostSnapshot, PlacementRequest, Reservation } from '../../shared/domain/placement';
import { openInventory, type Inventory } from '../inventory/db';
import { createReservationsRepo } from '../inventory/reservations.repo';
import { PlacementError } from '../scheduler/errors';
import { place, prepare, reservationFor, type PlacementOptions, type SnapshotInput } from '../scheduler';
import { isPrepared } from '../scheduler/model';
import { GiB, host, request } from '../scheduler/testing';
import { createCapacityBook, type CapacityBook } from './reservations';

const MIGRATIONS = join(__dirname, '../../../migrations');
const open: Inventory[] = [];
afterEach(() => {
  for (const inv of open.splice(0)) inv.close();
});

/** A book over a fresh in-memory inventory whose hosts table has the ids the snapshots use. */
function bookOf(options: Omit<PlacementOptions, 'reservations'> = {}) {
  const inv = openInventory({ file: ':memory:', migrationsDir: MIGRATIONS });
  open.push(inv);
  const ids = new Set<string>();
  const addHosts = (snap: SnapshotInput) => {
    const hosts: readonly { id: string; name: string }[] = isPrepared(snap)
      ? snap.hosts.map((v) => v.host)
      : snap;
    for (const h of hosts) {
      if (ids.has(h.id)) continue;
      ids.add(h.id);
      inv.db
        .prepare(
          `INSERT INTO hosts (id, project_id, name, kind, uri, auth, labels, state, created_at, updated_at)
           VALUES (?, ?, ?, 'libvirt', 'test:///default', '{}', '{}', 'connected', '', '')`,
        )
        .run(h.id, DEFAULT_PROJECT_ID, h.name);
    }
  };
  const book: CapacityBook = createCapacityBook({
    db: inv.db,
    repo: createReservationsRepo(inv.db),
    owner: 'test:1',
    ownerIsDead: () => false,
    options,
  });
  return {
    inv,
    reservations: () => book.reservations(),
    get size() {
      return book.reservations().length;
    },
    place: (req: PlacementRequest, snap: SnapshotInput) => (addHosts(snap), book.place(req, snap)),
    placeAndReserve: (req: PlacementRequest, snap: SnapshotInput) => {
      addHosts(snap);
      return book.placeAndReserve(req, () => snap);
    },
    release: (id: string) => book.release(id),
    raw: book,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every host's CPU, memory and pool space, counted independently: VMs that hold capacity plus reservations. */
function overbooked(hosts: readonly HostSnapshot[], held: readonly Reservation[]): string[] {
  const problems: string[] = [];
  for (const h of hosts) {
    const mine = held.filter((r) => r.hostId === h.id);
    const counted = h.vms.filter((v) => v.running || h.reserveStoppedVms);
    const cpu = sum(counted.map((v) => v.vcpus!)) + sum(mine.map((r) => r.vcpus));
    const mem = sum(counted.map((v) => v.memoryBytes!)) + sum(mine.map((r) => r.memoryBytes));
    if (cpu > (h.cpus! - h.reserve.cpus) * h.overcommit.cpu) problems.push(`${h.name}: ${cpu} vCPUs`);
    if (mem > (h.memoryBytes! - h.reserve.memoryBytes) * h.overcommit.memory)
      problems.push(`${h.name}: memory`);
    for (const p of h.pools) {
      const bytes = sum(mine.map((r) => r.pools[p.name] ?? 0));
      if (bytes > p.availableBytes!) problems.push(`${h.name}: pool ${p.name}`);
    }
  }
  return problems;
}

/** A creation finished: the VM is in the inventory now, its disks take pool space, its reservation goes. */
function landed(hosts: HostSnapshot[], r: Reservation): HostSnapshot[] {
  return hosts.map((h) =>
    h.id !== r.hostId
      ? h
      : {
          ...h,
          vms: [...h.vms, { vcpus: r.vcpus, memoryBytes: r.memoryBytes, running: true, groups: [] }],
          pools: h.pools.map((p) => ({ ...p, availableBytes: p.availableBytes! - (r.pools[p.name] ?? 0) })),
        },
  );
}

describe('the capacity book', () => {
  it('holds what it placed until released, and later placements see it', () => {
    const book = bookOf();
    const hosts = [host({ name: 'a', cpus: 4 }), host({ name: 'b', cpus: 4 })];
    const first = book.placeAndReserve(request({ vcpus: 3 }), hosts);
    expect(first.result.chosen).toEqual(['id-a']);
    expect(first.tickets[0]!.reservation).toEqual({
      hostId: 'id-a',
      vcpus: 3,
      memoryBytes: 4 * GiB,
      pools: {},
    });
    expect(book.placeAndReserve(request({ vcpus: 3 }), hosts).result.chosen).toEqual(['id-b']);
    expect(() => book.placeAndReserve(request({ vcpus: 3 }), hosts)).toThrow(PlacementError);
    first.release();
    expect(book.placeAndReserve(request({ vcpus: 3 }), hosts).result.chosen).toEqual(['id-a']);
  });

  it('books nothing when placement fails, and releasing twice is harmless', () => {
    const book = bookOf();
    expect(() => book.placeAndReserve(request({ count: 3 }), [host({ name: 'a', cpus: 4 })])).toThrow(
      'No feasible nodes found for VM 3 of 3',
    );
    expect(book.size).toBe(0);
    const held = book.placeAndReserve(request(), [host({ name: 'a' })]);
    expect(book.release(held.tickets[0]!.id)).toBe(true);
    expect(book.release(held.tickets[0]!.id)).toBe(false);
  });

  it('gives each VM of a bulk placement its own ticket, reserving its pools and group', () => {
    const book = bookOf({ thinFraction: 0.5 });
    const req = request({
      count: 2,
      group: { name: 'web', mode: 'anti-affinity' },
      disks: [{ sizeBytes: 10 * GiB, thin: true }],
    });
    const { tickets } = book.placeAndReserve(req, [host({ name: 'a' }), host({ name: 'b' })]);
    expect(tickets.map((t) => t.reservation)).toEqual([
      { hostId: 'id-a', vcpus: 2, memoryBytes: 4 * GiB, pools: { default: 5 * GiB }, group: 'web' },
      { hostId: 'id-b', vcpus: 2, memoryBytes: 4 * GiB, pools: { default: 5 * GiB }, group: 'web' },
    ]);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(2);
    // The group's members are reserved on both hosts: a third member has nowhere to go.
    expect(() =>
      book.placeAndReserve({ ...req, count: 1 }, [host({ name: 'a' }), host({ name: 'b' })]),
    ).toThrow('Node already runs a member of anti-affinity group web');
  });

  it('a dry run sees the reservations but books nothing', () => {
    const book = bookOf();
    const hosts = [host({ name: 'a', cpus: 2 }), host({ name: 'b', cpus: 2 })];
    book.placeAndReserve(request(), hosts);
    expect(book.place(request(), hosts).chosen).toEqual(['id-b']);
    expect(book.size).toBe(1);
  });

  it('never double-books under 200 concurrent creations for room for 80', async () => {
    const hosts = prepare(Array.from({ length: 10 }, (_, i) => host({ name: `n${i}`, cpus: 16 })));
    const book = bookOf();
    let placed = 0;
    let refused = 0;
    let release!: () => void;
    const allTried = new Promise<void>((resolve) => (release = resolve));
    const tried = () => {
      if (placed + refused === 200) release();
    };
    const creations = Array.from({ length: 200 }, async (_, i) => {
      await tick(i % 7);
      let held;
      try {
        held = book.placeAndReserve(request({ vcpus: 2 }), hosts);
      } catch (e) {
        if (!(e instanceof PlacementError)) throw e;
        refused++;
        tried();
        return;
      }
      placed++;
      tried();
      await allTried; // every creation holds its reservation until all have tried
      held.release();
    });
    await Promise.race([Promise.all(creations), tick(10_000)]);
    expect([placed, refused]).toEqual([80, 120]);
    expect(book.size).toBe(0);
  });

  it('never double-books, whatever the interleaving of placements, finishes and failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            vcpus: fc.integer({ min: 1, max: 6 }),
            disk: fc.integer({ min: 1, max: 40 }),
            fails: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        async (s, jobs) => {
          const pools = [
            { name: 'default', active: true, availableBytes: 100 * GiB, capacityBytes: 100 * GiB },
          ];
          let hosts = [host({ name: 'a', cpus: 8, pools }), host({ name: 'b', cpus: 12, pools })];
          const book = bookOf();
          const violations: string[] = [];
          const check = () => violations.push(...overbooked(hosts, book.reservations()));

          const creations = jobs.map(async (job, i) => {
            await s.schedule(Promise.resolve(), `place ${i}`);
            const req: PlacementRequest = request({
              vcpus: job.vcpus,
              memoryBytes: GiB,
              disks: [{ sizeBytes: job.disk * GiB, thin: false }],
            });
            let held;
            try {
              held = book.placeAndReserve(req, hosts);
            } catch (e) {
              if (e instanceof PlacementError) return;
              throw e;
            }
            check();
            await s.schedule(Promise.resolve(), `create ${i}`);
            if (!job.fails) hosts = landed(hosts, held.tickets[0]!.reservation);
            held.release();
            check();
          });
          await s.waitFor(Promise.all(creations));
          expect(violations).toEqual([]);
          expect(book.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the interleaving test catches a scheduler that reserves after an await (control)', async () => {
    const outcome = await fc.check(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const hosts = [host({ name: 'a', cpus: 4 })];
        const held: Reservation[] = [];
        const creations = [0, 1, 2].map(async (i) => {
          await s.schedule(Promise.resolve(), `place ${i}`);
          let result;
          try {
            result = place(request({ vcpus: 2 }), hosts, { reservations: [...held] });
          } catch {
            return;
          }
          await s.schedule(Promise.resolve(), `reserve ${i}`); // the gap a real race slips through
          held.push(reservationFor(request({ vcpus: 2 }), result.placements[0]!));
        });
        await s.waitFor(Promise.all(creations));
        expect(overbooked(hosts, held)).toEqual([]);
      }),
      { numRuns: 100 },
    );
    expect(outcome.failed).toBe(true);
  });
});
