import { describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../../shared/domain/usage';
import { UsageRing } from './ring';
import { historyPoints, hostValues, poolMetric, seededRing, vmValues } from './seed';

const shape = { recent: 10, bucketMs: 30_000, buckets: 10 };

describe('seeding a page from usage.history', () => {
  it('puts the history under the samples that came while it was read, without repeating a moment', () => {
    const live = new UsageRing(shape);
    live.append(6000, { cpu: 60 });
    live.append(8000, { cpu: 80 });
    const history = {
      metrics: { cpu: { t: [2000, 4000, 6000], v: [20, null, 99] }, memory: { t: [2000], v: [512] } },
    };
    const ring = seededRing(live, history, shape);
    // 6 s comes from the live ring (99 from the history is dropped), 4 s has no known cpu.
    expect(ring.aligned(['cpu', 'memory'])).toEqual([
      [2, 4, 6, 8],
      [20, null, 60, 80],
      [512, null, null, null],
    ]);
  });

  it('reads pools under their own names and orders moments by time', () => {
    const points = historyPoints({
      metrics: { cpu: { t: [3000, 1000], v: [3, 1] } },
      pools: { default: { t: [1000], v: [1e9] } },
    });
    expect(points).toEqual([
      { t: 1000, values: { cpu: 1, [poolMetric('default')]: 1e9 } },
      { t: 3000, values: { cpu: 3 } },
    ]);
  });

  it("maps a sample's host and VM figures to the history's metric names", () => {
    const sample: UsageSample = {
      hostId: 'h',
      at: 1,
      host: { cpuPercent: 12, memUsedBytes: 34, memTotalBytes: 100 },
      vms: [],
    };
    expect(hostValues(sample)).toEqual({ cpu: 12, memUsed: 34 });
    expect(
      vmValues({
        vmId: 'v',
        cpuPercent: 1,
        memoryBytes: 2,
        diskReadBps: 3,
        diskWriteBps: 4,
        netRxBps: 5,
        netTxBps: null,
      }),
    ).toEqual({ cpu: 1, memory: 2, diskRead: 3, diskWrite: 4, netRx: 5, netTx: null });
  });
});
