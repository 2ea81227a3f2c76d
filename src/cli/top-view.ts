/**
 * What `qhci top` shows: the latest usage sample of each watched host, as one table of VMs sorted by CPU
 * (or memory, or name), with a line per host above it. Pure: samples and names in, text out.
 */
import type { UsageSample, VmUsageNow } from '../shared/domain/usage';
import { fmtBytes } from './args';
import { table } from './context';

export const TOP_SORTS = ['cpu', 'memory', 'name'] as const;
export type TopSort = (typeof TOP_SORTS)[number];

export interface TopNames {
  readonly hosts: ReadonlyMap<string, string>;
  readonly vms: ReadonlyMap<string, { readonly name: string; readonly state: string }>;
}

export interface TopRow {
  readonly host: string;
  readonly vm: string;
  readonly state: string;
  readonly usage: VmUsageNow;
}

const dash = (v: number | null, f: (n: number) => string) => (v === null ? '-' : f(v));
const rate = (v: number | null) => dash(v, (n) => `${fmtBytes(Math.round(n))}/s`);

/** Larger first, unknown last; ties by name. */
function byValue(pick: (u: VmUsageNow) => number | null) {
  return (a: TopRow, b: TopRow): number => {
    const x = pick(a.usage);
    const y = pick(b.usage);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      if (x !== y) return y - x;
    }
    return a.vm.localeCompare(b.vm) || a.host.localeCompare(b.host);
  };
}

export function topRows(samples: Iterable<UsageSample>, names: TopNames, sort: TopSort): TopRow[] {
  const rows: TopRow[] = [];
  for (const s of samples) {
    const host = names.hosts.get(s.hostId) ?? s.hostId;
    for (const usage of s.vms) {
      const vm = names.vms.get(usage.vmId);
      rows.push({ host, vm: vm?.name ?? usage.vmId, state: vm?.state ?? '-', usage });
    }
  }
  const order =
    sort === 'name'
      ? (a: TopRow, b: TopRow) => a.vm.localeCompare(b.vm) || a.host.localeCompare(b.host)
      : byValue(sort === 'cpu' ? (u) => u.cpuPercent : (u) => u.memoryBytes);
  return rows.sort(order);
}

/** One line per host: its CPU and memory, or why its last poll failed. */
export function hostLines(samples: Iterable<UsageSample>, names: TopNames): string[] {
  const lines: string[] = [];
  for (const s of samples) {
    const name = names.hosts.get(s.hostId) ?? s.hostId;
    if (s.error !== undefined) {
      lines.push(`${name}: not answering: ${s.error}`);
      continue;
    }
    const h = s.host;
    const cpu = dash(h?.cpuPercent ?? null, (n) => `${n.toFixed(1)} %`);
    const mem = `${fmtBytes(h?.memUsedBytes)} / ${fmtBytes(h?.memTotalBytes)}`;
    lines.push(`${name}: CPU ${cpu}, memory ${mem}, ${s.vms.length} VMs`);
  }
  return lines;
}

/** The whole screen: when, the host lines, then the table (at most `maxRows` VMs). */
export function topText(
  samples: readonly UsageSample[],
  names: TopNames,
  sort: TopSort,
  opts: { at: Date; maxRows?: number },
): string {
  const rows = topRows(samples, names, sort);
  const shown = opts.maxRows !== undefined ? rows.slice(0, Math.max(0, opts.maxRows)) : rows;
  const body = table(
    ['HOST', 'VM', 'STATE', 'CPU%', 'MEMORY', 'DISK RD', 'DISK WR', 'NET RX', 'NET TX'],
    shown.map((r) => [
      r.host,
      r.vm,
      r.state,
      dash(r.usage.cpuPercent, (n) => n.toFixed(1)),
      fmtBytes(r.usage.memoryBytes),
      rate(r.usage.diskReadBps),
      rate(r.usage.diskWriteBps),
      rate(r.usage.netRxBps),
      rate(r.usage.netTxBps),
    ]),
  );
  const more = rows.length > shown.length ? [`… ${rows.length - shown.length} more`] : [];
  return [
    `qhci top - ${opts.at.toISOString().slice(11, 19)} UTC, sorted by ${sort}`,
    ...hostLines(samples, names),
    '',
    body,
    ...more,
  ].join('\n');
}
