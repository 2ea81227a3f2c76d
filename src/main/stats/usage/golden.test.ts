/** The parsers and the rates together, on what real hosts printed. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UsageSample } from './counters';
import { parseUsageBatch } from './parse-node';
import { usageRates } from './rates';

const golden = (f: string) => readFileSync(join(__dirname, '..', 'golden', f), 'utf8');
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
    const file = join(__dirname, '..', 'golden', 'qemu.expected.json');
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
