/** A host page's live usage: CPU, memory and each storage pool's used bytes over the last hour. */
import { formatBytes } from '../hosts/format';
import { formatBytesAxis, formatPercent, orDash } from './format';
import { useHostUsage, useUsageVersion } from './hooks';
import { poolMetric } from './seed';
import { usageStore } from './store';
import { PALETTE, UsageChart, type AlignedSeries } from './UsageChart';
import { UsageCard } from './UsageCard';

const read =
  (map: 'hostRings' | 'poolRings', hostId: string, metrics: readonly string[]) => (): AlignedSeries =>
    usageStore[map].get(hostId)?.aligned(metrics) ?? [[], ...metrics.map(() => [])];

export function HostUsage(props: { hostId: string; hostName: string; pools: readonly string[] }) {
  const { hostId, hostName } = props;
  useHostUsage(hostId);
  useUsageVersion();
  const now = usageStore.hostNow.get(hostId);
  const pools = [...props.pools].sort();
  const poolMetrics = pools.map(poolMetric);
  const poolRing = usageStore.poolRings.get(hostId);
  const used = now?.memUsedBytes ?? null;
  const total = now?.memTotalBytes ?? null;
  const memNow =
    used === null ? '—' : `${formatBytes(used)}${total === null ? '' : ` of ${formatBytes(total)}`}`;
  const usedNow = pools.reduce((sum, p) => sum + (poolRing?.latest(poolMetric(p)) ?? 0), 0);
  const note =
    now === undefined
      ? 'Waiting for the first sample from the host…'
      : now.error !== null
        ? `The last poll failed (the next one tries again): ${now.error}`
        : null;
  return (
    <UsageCard
      title="Usage"
      testId="host-usage"
      note={note}
      cells={[
        {
          title: 'CPU',
          now: orDash(now?.cpuPercent, formatPercent),
          testId: 'host-usage-cpu',
          chart: (
            <UsageChart
              series={[{ label: 'CPU', color: PALETTE[0] }]}
              read={read('hostRings', hostId, ['cpu'])}
              format={formatPercent}
              testId="host-usage-cpu-chart"
              ariaLabel={`CPU use of ${hostName} over the last hour`}
            />
          ),
        },
        {
          title: 'Memory',
          now: memNow,
          testId: 'host-usage-memory',
          chart: (
            <UsageChart
              series={[{ label: 'Used', color: PALETTE[1] }]}
              read={read('hostRings', hostId, ['memUsed'])}
              format={formatBytesAxis}
              testId="host-usage-memory-chart"
              ariaLabel={`Memory used on ${hostName} over the last hour`}
            />
          ),
        },
        {
          title: 'Storage pools',
          now: poolRing === undefined ? '—' : `${formatBytes(usedNow)} used`,
          testId: 'host-usage-pools',
          chart: (
            <UsageChart
              series={pools.map((p, i) => ({ label: p, color: PALETTE[i % PALETTE.length]! }))}
              read={read('poolRings', hostId, poolMetrics)}
              format={formatBytesAxis}
              testId="host-usage-pools-chart"
              ariaLabel={`Used bytes of each storage pool of ${hostName} over the last hour`}
            />
          ),
        },
      ]}
    />
  );
}
