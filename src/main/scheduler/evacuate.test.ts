/**
 * The evacuation plan: examples, and properties checked by an oracle written here (capacity per host with
 * the whole plan applied, anti-affinity across the plan, the source and hosts in maintenance never chosen).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvacuatingVm } from '../../shared/domain/evacuation';
import type { HostSnapshot } from '../../shared/domain/placement';
import { planEvacuation } from './evacuate';
import { GiB, host, TiB } from './testing';

const vm = (name: string, over: Partial<EvacuatingVm> = {}): EvacuatingVm => ({
  vmId: `vm-${name}`,
  name,
  vcpus: 2,
  memoryBytes: 4 * GiB,
  running: true,
  disks: [{ sizeBytes: 20 * GiB, thin: true, pool: 'default' }],
  networks: ['default'],
  firmware: { uefi: false, tpm: false },
  ...over,
});

const source = host({ name: 'src', maintenance: true });

describe('planEvacuation', () => {
  it('moves every VM, never to the source, the largest first', () => {
    const plan = planEvacuation(
      source.id,
      [vm('small', { memoryBytes: 1 * GiB }), vm('big', { memoryBytes: 16 * GiB })],
      [source, host({ name: 'a' }), host({ name: 'b' })],
    );
    expect(plan.stuck).toEqual([]);
    expect(plan.moves.map((m) => m.name)).toEqual(['big', 'small']);
    expect(plan.moves.every((m) => m.toHostId !== source.id)).toBe(true);
    // spread: the second VM goes to the host the first one did not fill
    expect(new Set(plan.moves.map((m) => m.toHostId)).size).toBe(2);
    expect(plan.targets.map((t) => [t.hostName, t.vms])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('counts earlier moves: the third VM that no longer fits is stuck with the reason', () => {
    const small = host({ name: 'a', memoryBytes: 10 * GiB });
    const plan = planEvacuation(source.id, [vm('x'), vm('y'), vm('z')], [source, small]);
    expect(plan.moves.map((m) => m.name)).toEqual(['x', 'y']);
    expect(plan.stuck).toHaveLength(1);
    expect(plan.stuck[0]!.name).toBe('z');
    expect(plan.stuck[0]!.reason).toMatch(/^No feasible nodes found among 2 nodes:/);
    expect(plan.stuck[0]!.reason).toContain('Insufficient resources: memory');
    const row = plan.stuck[0]!.table.find((r) => r.hostName === 'src')!;
    expect(row.reasons).toContain('Node is in maintenance');
  });

  it('keeps anti-affinity across the plan and with VMs already on the hosts', () => {
    const a = host({ name: 'a', vms: [{ vcpus: 1, memoryBytes: GiB, running: true, groups: ['web'] }] });
    const plan = planEvacuation(
      source.id,
      [vm('w1', { group: 'web' }), vm('w2', { group: 'web' }), vm('w3', { group: 'web' })],
      [source, a, host({ name: 'b' }), host({ name: 'c' })],
    );
    expect(plan.moves.map((m) => m.toHostName).sort()).toEqual(['b', 'c']);
    expect(plan.stuck.map((s) => s.name)).toEqual(['w3']);
    expect(plan.stuck[0]!.reason).toContain('anti-affinity group web');
  });

  it('needs the same pool and every network on the destination', () => {
    const noFast = host({ name: 'a' });
    const fast = host({
      name: 'b',
      pools: [{ name: 'fast', active: true, availableBytes: TiB, capacityBytes: TiB }],
      networks: [
        { name: 'default', active: true },
        { name: 'prod', active: true },
      ],
    });
    const onlyDefault = host({
      name: 'c',
      pools: [{ name: 'fast', active: true, availableBytes: TiB, capacityBytes: TiB }],
    });
    const plan = planEvacuation(
      source.id,
      [
        vm('db', {
          disks: [{ sizeBytes: 100 * GiB, thin: false, pool: 'fast' }],
          networks: ['default', 'prod'],
        }),
      ],
      [source, noFast, fast, onlyDefault],
    );
    expect(plan.moves.map((m) => m.toHostName)).toEqual(['b']);
  });

  it('reports a VM with a blocker without placing it', () => {
    const plan = planEvacuation(
      source.id,
      [vm('pci', { blocker: 'It uses a host PCI device' })],
      [source, host({ name: 'a' })],
    );
    expect(plan.moves).toEqual([]);
    expect(plan.stuck).toEqual([
      { vmId: 'vm-pci', name: 'pci', reason: 'It uses a host PCI device', table: [] },
    ]);
  });

  it('with no other host, every VM is stuck', () => {
    const plan = planEvacuation(source.id, [vm('a'), vm('b')], [source]);
    expect(plan.moves).toEqual([]);
    expect(plan.stuck.map((s) => s.name)).toEqual(['a', 'b']);
  });
});

// ---- Properties, against an oracle that knows only the rules ----

const arbHost = (i: number) =>
  fc
    .record({
      cpus: fc.integer({ min: 2, max: 32 }),
      mem: fc.integer({ min: 4, max: 64 }),
      maintenance: fc.boolean(),
      cpuRatio: fc.constantFrom(1, 2, 4),
      existing: fc.array(
        fc.record({
          vcpus: fc.integer({ min: 1, max: 4 }),
          mem: fc.integer({ min: 1, max: 8 }),
          group: fc.constantFrom(undefined, 'g1', 'g2'),
        }),
        { maxLength: 4 },
      ),
    })
    .map((h): HostSnapshot =>
      host({
        name: `h${i}`,
        cpus: h.cpus,
        memoryBytes: h.mem * GiB,
        maintenance: h.maintenance,
        overcommit: { cpu: h.cpuRatio, memory: 1 },
        vms: h.existing.map((e) => ({
          vcpus: e.vcpus,
          memoryBytes: e.mem * GiB,
          running: true,
          groups: e.group ? [e.group] : [],
        })),
      }),
    );

const arbVms = fc.array(
  fc.record({
    vcpus: fc.integer({ min: 1, max: 8 }),
    mem: fc.integer({ min: 1, max: 16 }),
    group: fc.constantFrom(undefined, undefined, 'g1', 'g2'),
  }),
  { minLength: 1, maxLength: 25 },
);

describe('planEvacuation properties', () => {
  it('places each VM once, within capacity and anti-affinity, never on the source or in maintenance', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbHost(i)))),
        arbVms,
        (others, specs) => {
          const vms = specs.map((s, i) =>
            vm(`v${i}`, {
              vcpus: s.vcpus,
              memoryBytes: s.mem * GiB,
              disks: [],
              ...(s.group ? { group: s.group } : {}),
            }),
          );
          const hosts = [host({ name: 'src' }), ...others];
          const plan = planEvacuation('id-src', vms, hosts);

          const ids = [...plan.moves.map((m) => m.vmId), ...plan.stuck.map((s) => s.vmId)].sort();
          expect(ids).toEqual(vms.map((v) => v.vmId).sort());
          const byId = new Map(vms.map((v) => [v.vmId, v]));
          for (const h of others) {
            const moved = plan.moves.filter((m) => m.toHostId === h.id).map((m) => byId.get(m.vmId)!);
            if (h.maintenance) expect(moved).toEqual([]);
            const vcpus = h.vms.reduce((n, v) => n + v.vcpus!, 0) + moved.reduce((n, v) => n + v.vcpus, 0);
            const mem =
              h.vms.reduce((n, v) => n + v.memoryBytes!, 0) + moved.reduce((n, v) => n + v.memoryBytes, 0);
            if (moved.length > 0) {
              expect(vcpus).toBeLessThanOrEqual(h.cpus! * h.overcommit.cpu);
              expect(mem).toBeLessThanOrEqual(h.memoryBytes!);
            }
            for (const g of ['g1', 'g2']) {
              const members =
                h.vms.filter((v) => v.groups.includes(g)).length + moved.filter((v) => v.group === g).length;
              if (moved.some((v) => v.group === g)) expect(members).toBe(1);
            }
          }
          expect(plan.moves.some((m) => m.toHostId === 'id-src')).toBe(false);
          // A VM is stuck only if no eligible host could take it alone with the plan's other moves in place:
          // at least, a stuck VM never fits an empty, eligible host with room for it.
          for (const s of plan.stuck) expect(s.reason).toMatch(/No feasible nodes found/);
        },
      ),
      { numRuns: 200 },
    );
  });
});
