import { describe, expect, it } from 'vitest';
import type { UsageSample, VmUsageNow } from '../../../../shared/domain/usage';
import { UsageStore } from './store';

const vm = (vmId: string, cpu: number | null): VmUsageNow => ({
  vmId,
  cpuPercent: cpu,
  memoryBytes: cpu === null ? null : cpu * 1024,
  diskReadBps: 1,
  diskWriteBps: 2,
  netRxBps: 3,
  netTxBps: 4,
});
const sample = (hostId: string, at: number, vms: VmUsageNow[], error?: string): UsageSample => ({
  hostId,
  at,
  host: { cpuPercent: 50, memUsedBytes: 1000, memTotalBytes: 4000 },
  vms,
  ...(error === undefined ? {} : { error }),
});

/** A store whose frames run when the test says. */
function storeWithFrames() {
  const frames: (() => void)[] = [];
  const store = new UsageStore((f) => frames.push(f));
  return { store, runFrames: () => frames.splice(0).forEach((f) => f()), frames };
}

describe('the window usage store', () => {
  it('applies samples at once and tells the views once per frame', () => {
    const { store, runFrames, frames } = storeWithFrames();
    let told = 0;
    store.subscribe(() => told++);
    store.ingest(sample('h1', 1000, [vm('a', 10), vm('b', 20)]));
    store.ingest(sample('h2', 1000, [vm('c', 30)]));
    expect(frames.length).toBe(1);
    expect(store.vmNow('c')?.cpuPercent).toBe(30);
    expect(told).toBe(0);
    runFrames();
    expect(told).toBe(1);
    expect(store.version).toBe(1);
    expect(store.hostRings.get('h1')?.aligned(['cpu', 'memUsed'])).toEqual([[1], [50], [1000]]);
    expect(store.spark('a')?.latest).toBe(10);
  });

  it('forgets a VM its host no longer reports, and keeps a failed poll as an error only', () => {
    const { store } = storeWithFrames();
    store.ingest(sample('h1', 1000, [vm('a', 10), vm('b', 20)]));
    store.ingest(sample('h1', 3000, [vm('a', 11)]));
    expect(store.spark('b')).toBeUndefined();
    expect(store.vmNow('b')).toBeUndefined();
    store.ingest(sample('h1', 5000, [], 'connection lost'));
    expect(store.hostNow.get('h1')?.error).toBe('connection lost');
    // The failed poll changed no ring and dropped no VM.
    expect(store.hostRings.get('h1')?.aligned(['cpu'])[0]).toEqual([1, 3]);
    expect(store.spark('a')?.count).toBe(2);
    // A repeated or late sample is ignored.
    store.ingest(sample('h1', 4000, [vm('a', 99)]));
    expect(store.spark('a')?.latest).toBe(11);
  });

  it('keeps all six metrics of a VM only while a page shows it, seeded from its history', () => {
    const { store } = storeWithFrames();
    store.ingest(sample('h1', 1000, [vm('a', 10)]));
    expect(store.vmRings.has('a')).toBe(false);
    const release = store.focusVm('a');
    store.ingest(sample('h1', 3000, [vm('a', 12)]));
    store.seedVm('a', { metrics: { cpu: { t: [-1000, 3000], v: [5, 77] }, netRx: { t: [-1000], v: [9] } } });
    expect(store.vmRings.get('a')?.aligned(['cpu', 'netRx'])).toEqual([
      [-1, 3],
      [5, 12],
      [9, 3],
    ]);
    release();
    expect(store.vmRings.has('a')).toBe(false);
    // A history that answers after the page closed is not kept.
    store.seedVm('a', { metrics: { cpu: { t: [0], v: [1] } } });
    expect(store.vmRings.has('a')).toBe(false);
  });

  it("keeps a host's pools from the samples that carry them, under their history", () => {
    const { store } = storeWithFrames();
    const withPools = (at: number, used: number): UsageSample => ({
      ...sample('h1', at, []),
      host: { cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2, pools: { default: used } },
    });
    store.ingest(withPools(3000, 30));
    store.ingest(sample('h1', 5000, []));
    store.seedHost('h1', { metrics: {}, pools: { default: { t: [1000, 3000], v: [10, 99] } } });
    expect(store.poolRings.get('h1')?.aligned(['pool:default'])).toEqual([
      [1, 3],
      [10, 30],
    ]);
  });

  it('holds a bounded number of bytes at 10,000 VMs', () => {
    const { store } = storeWithFrames();
    for (let poll = 0; poll < 160; poll++) {
      for (let h = 0; h < 50; h++) {
        const vms = Array.from({ length: 200 }, (_, i) => vm(`v${h}-${i}`, (poll + i) % 100));
        store.ingest(sample(`h${h}`, 1000 + poll * 2000, vms));
      }
    }
    // 10,000 sparklines of 150 floats and 50 host rings: about 6 MB, whatever the number of polls.
    expect(store.byteLength).toBeLessThan(6.5e6);
  });
});
