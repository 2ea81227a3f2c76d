import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDomstats,
  parseNode,
  parseUsageBatch,
  usageRates,
  type DomainCounters,
  type UsageSample,
} from './domstats';

const golden = (f: string) => readFileSync(join(__dirname, 'golden', f), 'utf8');
const ok = (out: string) => ({ ok: true as const, out });

/**
 * Two polls of the testbed's qemu:///system two seconds apart (virsh 9.0, captured with the poll's own
 * commands): a running domain with a disk and a NIC (qhci-t-statsgolden), plus two domains of other tests
 * that were gone by the second poll.
 */
function qemuSample(i: 1 | 2, at: number): UsageSample {
  return parseUsageBatch(
    {
      domstats: ok(golden(`qemu-${i}.domstats.txt`)),
      nodecpustats: ok(golden(`qemu-${i}.nodecpustats.txt`)),
      nodememstats: ok(golden(`qemu-${i}.nodememstats.txt`)),
      nodeinfo: ok(golden('qemu.nodeinfo.txt')),
    },
    at,
  );
}

describe('domstats golden output', () => {
  it('reads a real qemu host into records and rates that match the golden file', () => {
    const a = qemuSample(1, 0);
    const b = qemuSample(2, 2000);
    const rates = usageRates(a, b);
    const file = join(__dirname, 'golden', 'qemu.expected.json');
    const actual = `${JSON.stringify({ first: a, second: b, rates }, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });

  it('takes the running domain field by field as virsh printed it', () => {
    const d = qemuSample(1, 0).domains.find((x) => x.name === 'qhci-t-statsgolden')!;
    expect(d).toEqual({
      name: 'qhci-t-statsgolden',
      state: 1,
      cpuTimeNs: 5505492000,
      vcpus: 2,
      memoryKiB: 98304,
      maxMemoryKiB: 98304,
      rssKiB: 50064,
      nics: [{ name: 'vnet59', inBytes: 1718, outBytes: 2172 }],
      disks: [{ name: 'vda', inBytes: 512, outBytes: 0 }],
    });
  });

  it('works the rates out from the two polls', () => {
    const r = usageRates(qemuSample(1, 0), qemuSample(2, 2000));
    // Only the domain still there; the two that vanished are left out.
    expect(r.domains.map((d) => d.name)).toEqual(['qhci-t-statsgolden']);
    const d = r.domains[0]!;
    // (7228346000 - 5505492000) ns over 2 s on 2 vCPUs; the host has 2 CPUs.
    expect(d.cpuPercent).toBeCloseTo(((7228346000 - 5505492000) / 2e9 / 2) * 100, 6);
    expect(d.hostCpuPercent).toBeCloseTo(d.cpuPercent!, 6);
    // (1770 - 1718) and (2242 - 2172) bytes over 2 s; the disk did nothing.
    expect(d).toMatchObject({ netRxBps: 26, netTxBps: 35, diskReadBps: 0, diskWriteBps: 0 });
    expect(d.restarted).toBe(false);
    expect(r.node.cpus).toBe(2);
    expect(r.node.memTotalBytes).toBe(24683772 * 1024);
    expect(r.node.cpuPercent).toBeGreaterThan(0);
  });

  it('takes a paused domain without block byte counters as reporting none', () => {
    const d = qemuSample(1, 0).domains.find((x) => x.name === 'qhci-t-clone-d97665')!;
    expect(d.state).toBe(4);
    expect(d.disks.map((x) => x.name)).toEqual(['vda', 'sda', 'sdb']);
    expect(d.disks.every((x) => x.inBytes === undefined && x.outBytes === undefined)).toBe(true);
    expect(d.nics).toEqual([{ name: 'vnet61' }]);
  });

  it("reads the test driver's state-only output and its node without nodememstats", () => {
    const s = parseUsageBatch(
      {
        domstats: ok(golden('test.domstats.txt')),
        nodecpustats: ok(golden('test.nodecpustats.txt')),
        nodememstats: {
          ok: false,
          error: 'this function is not supported by the connection driver: virNodeGetMemoryStats',
        },
        nodeinfo: ok(golden('test.nodeinfo.txt')),
      },
      0,
    );
    expect(s.domains).toEqual([{ name: 'test', state: 1, nics: [], disks: [] }]);
    expect(s.node).toMatchObject({ cpus: 16, memTotalKiB: 3145728 });
    expect(s.node.memUsedKiB).toBeUndefined();
    expect(s.warnings).toEqual([expect.stringMatching(/^nodememstats: this function is not supported/)]);
    // Fixed counters: no CPU rate rather than a made-up 0 %.
    expect(usageRates({ ...s, at: -5000 }, s).node.cpuPercent).toBeUndefined();
  });

  it('fails the poll when domstats itself failed', () => {
    expect(() => parseUsageBatch({ domstats: { ok: false, error: 'failed to connect' } }, 0)).toThrow(
      /domstats: failed to connect/,
    );
  });

  it('keeps the CPU count and memory size of the last nodeinfo when it was not asked', () => {
    const s = parseUsageBatch({ domstats: ok('') }, 0, { cpus: 6, memTotalKiB: 10, cpuBusyNs: 1 });
    expect(s.node).toEqual({ cpus: 6, memTotalKiB: 10 });
    expect(s.warnings).toEqual([]);
  });
});

describe('domstats parsing', () => {
  it('keeps a name with quotes and spaces whole', () => {
    const [d] = parseDomstats("Domain: 'it's a vm'\n  state.state=3\n");
    expect(d).toEqual({ name: "it's a vm", state: 3, nics: [], disks: [] });
  });

  it('reads devices listed out of order and skips unnamed ones', () => {
    const [d] = parseDomstats(
      [
        "Domain: 'a'",
        '  block.1.wr.bytes=7',
        '  block.1.name=vdb',
        '  block.0.rd.bytes=5',
        '  block.2.name=vdc',
        '  net.0.tx.bytes=1',
      ].join('\n'),
    );
    expect(d!.disks).toEqual([{ name: 'vdb', outBytes: 7 }, { name: 'vdc' }]);
    expect(d!.nics).toEqual([]);
  });

  it('reads node stats from nodeinfo alone', () => {
    expect(parseNode(null, null, 'CPU(s):              4\nMemory size:         1024 KiB\n')).toEqual({
      cpus: 4,
      memTotalKiB: 1024,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const arbName = fc.stringMatching(/^[a-z][a-z0-9 ._'-]{0,20}$/).filter((s) => !s.endsWith(' '));
const counter = fc.option(fc.nat({ max: 2 ** 40 }), { nil: undefined });
const arbDevice = (prefix: string) =>
  fc.record({
    name: fc.constantFrom(`${prefix}0`, `${prefix}1`, `${prefix}2`),
    inBytes: counter,
    outBytes: counter,
  });

const arbDomain = fc.record({
  name: arbName,
  state: fc.constantFrom(1, 1, 1, 3, 5),
  cpuTimeNs: counter,
  vcpus: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  memoryKiB: counter,
  nics: fc.uniqueArray(arbDevice('vnet'), { selector: (d) => d.name, maxLength: 3 }),
  disks: fc.uniqueArray(arbDevice('vd'), { selector: (d) => d.name, maxLength: 3 }),
});

/** What virsh would print for these counters (absent fields are not printed). */
function render(domains: readonly DomainCounters[]): string {
  const out: string[] = [];
  for (const d of domains) {
    out.push(`Domain: '${d.name}'`, `  state.state=${d.state}`, '  state.reason=1');
    if (d.cpuTimeNs !== undefined) out.push(`  cpu.time=${d.cpuTimeNs}`, '  cpu.user=0');
    if (d.memoryKiB !== undefined) out.push(`  balloon.current=${d.memoryKiB}`);
    if (d.vcpus !== undefined) out.push(`  vcpu.current=${d.vcpus}`, `  vcpu.0.time=12`);
    out.push(`  net.count=${d.nics.length}`);
    d.nics.forEach((n, i) => {
      out.push(`  net.${i}.name=${n.name}`);
      if (n.inBytes !== undefined) out.push(`  net.${i}.rx.bytes=${n.inBytes}`, `  net.${i}.rx.pkts=3`);
      if (n.outBytes !== undefined) out.push(`  net.${i}.tx.bytes=${n.outBytes}`);
    });
    out.push(`  block.count=${d.disks.length}`);
    d.disks.forEach((b, i) => {
      out.push(`  block.${i}.name=${b.name}`, `  block.${i}.path=/x/${b.name}.qcow2`);
      if (b.inBytes !== undefined) out.push(`  block.${i}.rd.bytes=${b.inBytes}`);
      if (b.outBytes !== undefined) out.push(`  block.${i}.wr.bytes=${b.outBytes}`);
    });
    out.push('');
  }
  return out.join('\n');
}

const strip = (d: DomainCounters) => JSON.parse(JSON.stringify(d)) as DomainCounters;

const sample = (at: number, domains: readonly DomainCounters[]): UsageSample => ({
  at,
  domains,
  node: { cpus: 8 },
  warnings: [],
});

describe('domstats properties', () => {
  it('parsing what virsh prints gives back the counters', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbDomain, { selector: (d) => d.name, maxLength: 8 }), (domains) => {
        expect(parseDomstats(render(domains))).toEqual(domains.map(strip));
      }),
    );
  });

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
