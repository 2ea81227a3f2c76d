/**
 * From what main sends to what the rings hold: a poll's sample as ring values, and a page's history
 * (usage.history) merged under the samples that arrived while it was being read.
 */
import type { UsageHistory, UsageSample, VmUsageNow } from '../../../../shared/domain/usage';
import { HOUR, UsageRing, type RingPoint, type RingShape } from './ring';

/** A pool's column in a host's ring. */
export const poolMetric = (pool: string): string => `pool:${pool}`;

/** A host's metrics in one sample, by the names usage.history uses (HOST_USAGE_METRICS). */
export function hostValues(sample: UsageSample): Record<string, number | null> {
  return { cpu: sample.host?.cpuPercent ?? null, memUsed: sample.host?.memUsedBytes ?? null };
}

/** A host's pools in one sample (used bytes by pool name), under their ring names. */
export function poolValues(pools: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name in pools) out[poolMetric(name)] = pools[name]!;
  return out;
}

/** A VM's metrics in one sample, by the names usage.history uses (VM_USAGE_METRICS). */
export function vmValues(vm: VmUsageNow): Record<string, number | null> {
  return {
    cpu: vm.cpuPercent,
    memory: vm.memoryBytes,
    diskRead: vm.diskReadBps,
    diskWrite: vm.diskWriteBps,
    netRx: vm.netRxBps,
    netTx: vm.netTxBps,
  };
}

/** The history's moments, oldest first, each with its known values (pools under poolMetric names). */
export function historyPoints(history: UsageHistory): RingPoint[] {
  const byTime = new Map<number, Record<string, number>>();
  const add = (name: string, series: { t: readonly number[]; v: readonly (number | null)[] }) => {
    const n = Math.min(series.t.length, series.v.length);
    for (let i = 0; i < n; i++) {
      const t = series.t[i]!;
      const v = series.v[i];
      if (!Number.isFinite(t)) continue;
      let values = byTime.get(t);
      if (values === undefined) byTime.set(t, (values = {}));
      if (v !== null && v !== undefined && Number.isFinite(v)) values[name] = v;
    }
  };
  for (const [name, series] of Object.entries(history.metrics)) add(name, series);
  for (const [pool, series] of Object.entries(history.pools ?? {})) add(poolMetric(pool), series);
  return [...byTime].map(([t, values]) => ({ t, values })).sort((a, b) => a.t - b.t);
}

/**
 * A new ring with the history first and then what `ring` already held (the samples pushed while the
 * history was read, or a whole hour already seen): the history's moments from the ring's first one on are
 * dropped, the ring's own are kept.
 */
export function seededRing(
  ring: UsageRing | undefined,
  history: UsageHistory,
  shape: RingShape = HOUR,
): UsageRing {
  const own = ring?.points() ?? [];
  const ownStart = own[0]?.t ?? Infinity;
  const out = new UsageRing(shape);
  for (const p of historyPoints(history)) if (p.t < ownStart) out.append(p.t, p.values);
  for (const p of own) out.append(p.t, p.values);
  return out;
}
