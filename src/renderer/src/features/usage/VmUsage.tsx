/** A VM page's live usage: CPU, memory, disk and network throughput over the last hour. */
import { formatBytes } from '../hosts/format';
import { formatBytesAxis, formatPercent, formatRate, orDash } from './format';
import { useUsageVersion, useVmUsage } from './hooks';
import { usageStore } from './store';
import { PALETTE, UsageChart, type AlignedSeries } from './UsageChart';
import { UsageCard } from './UsageCard';

const read = (vmId: string, metrics: readonly string[]) => (): AlignedSeries =>
  usageStore.vmRings.get(vmId)?.aligned(metrics) ?? [[], ...metrics.map(() => [])];

const pair = (a: number | null | undefined, b: number | null | undefined) =>
  `${orDash(a, formatRate)} / ${orDash(b, formatRate)}`;

export function VmUsage(props: { vmId: string; vmName: string; hostId: string | null; running: boolean }) {
  const { vmId, vmName } = props;
  useVmUsage(vmId, props.hostId);
  useUsageVersion();
  const now = usageStore.vmNow(vmId);
  // The figures above the charts: the last poll's, or the last known one when that poll had none (a rate
  // main could not compute this time).
  const ring = usageStore.vmRings.get(vmId);
  const fig = (metric: string, v: number | null | undefined) => v ?? ring?.lastKnown(metric) ?? null;
  const note =
    props.hostId === null
      ? 'This VM is on no host: there is nothing to poll.'
      : !props.running && now === undefined
        ? 'The VM is not running: its usage shows while it runs.'
        : now === undefined
          ? 'Waiting for the first sample from its host…'
          : null;
  const chart = (metrics: string[], labels: string[], format: (v: number) => string, what: string) => (
    <UsageChart
      series={labels.map((label, i) => ({ label, color: PALETTE[i]! }))}
      read={read(vmId, metrics)}
      format={format}
      testId={`vm-usage-${metrics[0]}-chart`}
      ariaLabel={`${what} of ${vmName} over the last hour`}
    />
  );
  return (
    <UsageCard
      title="Usage"
      testId="vm-usage"
      note={note}
      cells={[
        {
          title: 'CPU',
          now: orDash(fig('cpu', now?.cpuPercent), formatPercent),
          testId: 'vm-usage-cpu',
          chart: chart(['cpu'], ['CPU'], formatPercent, 'CPU use'),
        },
        {
          title: 'Memory',
          now: orDash(fig('memory', now?.memoryBytes), formatBytes),
          testId: 'vm-usage-memory',
          chart: chart(['memory'], ['Memory'], formatBytesAxis, 'Memory'),
        },
        {
          title: 'Disk read / write',
          now: pair(fig('diskRead', now?.diskReadBps), fig('diskWrite', now?.diskWriteBps)),
          testId: 'vm-usage-disk',
          chart: chart(['diskRead', 'diskWrite'], ['Read', 'Write'], formatRate, 'Disk throughput'),
        },
        {
          title: 'Network in / out',
          now: pair(fig('netRx', now?.netRxBps), fig('netTx', now?.netTxBps)),
          testId: 'vm-usage-net',
          chart: chart(['netRx', 'netTx'], ['In', 'Out'], formatRate, 'Network throughput'),
        },
      ]}
    />
  );
}
