import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainCounters } from './counters';
import { usageRates } from './rates';
import { arbDomain, sample } from './testing';

describe('rate properties', () => {
  it('rates are never negative nor NaN, whatever the counters do (resets, vanished devices, gaps)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbDomain, { selector: (d) => d.name, maxLength: 6 }),
        fc.uniqueArray(arbDomain, { selector: (d) => d.name, maxLength: 6 }),
        fc.integer({ min: -5000, max: 60_000 }),
        (before, after, dt) => {
          const r = usageRates(sample(0, before), sample(dt, after));
          expect(r.domains.map((d) => d.name)).toEqual(after.map((d) => d.name));
          for (const d of r.domains) {
            for (const k of [
              'cpuPercent',
              'hostCpuPercent',
              'diskReadBps',
              'diskWriteBps',
              'netRxBps',
              'netTxBps',
            ] as const) {
              const v = d[k];
              if (v !== undefined) expect(Number.isFinite(v) && v >= 0).toBe(true);
            }
            // No interval, or a domain not running now: levels only.
            if (dt <= 0 || d.state !== 1) expect(d.cpuPercent).toBeUndefined();
          }
        },
      ),
    );
  });

  it('matches domains by name whatever order virsh lists them in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 10 }), (ids) => {
        const d = (id: number, cpuTimeNs: number): DomainCounters => ({
          name: `vm${id}`,
          state: 1,
          cpuTimeNs,
          vcpus: 1,
          nics: [],
          disks: [],
        });
        // Each domain used id ms of CPU in one second; the second poll lists them reversed, one gone.
        const before = ids.map((id) => d(id, 1e9));
        const after = ids
          .slice(1)
          .reverse()
          .map((id) => d(id, 1e9 + id * 1e6));
        const r = usageRates(sample(0, before), sample(1000, after));
        expect(r.domains.map((x) => [x.name, x.cpuPercent])).toEqual(
          after.map((x) => [x.name, expect.closeTo(((x.cpuTimeNs! - 1e9) / 1e9) * 100, 6)]),
        );
      }),
    );
  });

  it('a domain that started again counts only what it used since', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1e9, max: 2 ** 45 }),
        fc.integer({ min: 0, max: 1e9 - 1 }),
        fc.integer({ min: 1, max: 16 }),
        (before, after, vcpus) => {
          const d = (cpuTimeNs: number): DomainCounters => ({
            name: 'vm',
            state: 1,
            cpuTimeNs,
            vcpus,
            nics: [{ name: 'vnet0', inBytes: cpuTimeNs }],
            disks: [],
          });
          const [r] = usageRates(sample(0, [d(before)]), sample(1000, [d(after)])).domains;
          expect(r!.restarted).toBe(true);
          expect(r!.cpuPercent).toBeCloseTo((after / 1e9 / vcpus) * 100, 6);
          expect(r!.netRxBps).toBe(after);
        },
      ),
    );
  });

  it('a steady load gives back its rate', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.integer({ min: 1, max: 16 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 100, max: 60_000 }),
        (t0, vcpus, busy, ms) => {
          const used = Math.round(busy * vcpus * ms * 1e6);
          const d = (cpuTimeNs: number, bytes: number): DomainCounters => ({
            name: 'vm',
            state: 1,
            cpuTimeNs,
            vcpus,
            nics: [],
            disks: [{ name: 'vda', inBytes: bytes, outBytes: 0 }],
          });
          const [r] = usageRates(sample(0, [d(t0, 1000)]), sample(ms, [d(t0 + used, 1000 + ms)])).domains;
          expect(r!.cpuPercent).toBeCloseTo((used / (ms * 1e6) / vcpus) * 100, 6);
          expect(r!.hostCpuPercent).toBeCloseTo((used / (ms * 1e6) / 8) * 100, 6);
          expect(r!.diskReadBps).toBeCloseTo(1000, 6);
          expect(r!.restarted).toBe(false);
        },
      ),
    );
  });
});
