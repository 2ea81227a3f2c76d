/** The host's counters (nodecpustats, nodememstats, nodeinfo), and one poll's results → a sample. */
import type { Mutable, NodeCounters, UsageCommand, UsageSample } from './counters';
import { num, parseDomstats } from './parse-domstats';
import { parsePools } from './parse-pools';

/** `label: value [unit]` lines (nodecpustats, nodememstats, nodeinfo) → label → first number. */
function labelled(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const value = num(
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/)[0] ?? '',
    );
    if (value !== undefined) m.set(line.slice(0, colon).trim().toLowerCase(), value);
  }
  return m;
}

/** Whatever of nodecpustats, nodememstats and nodeinfo answered (null: that command failed). */
export function parseNode(
  cpuStats: string | null,
  memStats: string | null,
  nodeinfo: string | null,
): NodeCounters {
  const out: {
    cpuBusyNs?: number;
    cpuTotalNs?: number;
    cpus?: number;
    memTotalKiB?: number;
    memUsedKiB?: number;
  } = {};
  if (cpuStats !== null) {
    const c = labelled(cpuStats);
    const user = c.get('user');
    const system = c.get('system');
    const idle = c.get('idle');
    if (user !== undefined && system !== undefined && idle !== undefined) {
      out.cpuBusyNs = user + system;
      out.cpuTotalNs = user + system + idle + (c.get('iowait') ?? 0);
    }
  }
  if (nodeinfo !== null) {
    const i = labelled(nodeinfo);
    const cpus = i.get('cpu(s)');
    const mem = i.get('memory size');
    if (cpus !== undefined) out.cpus = cpus;
    if (mem !== undefined) out.memTotalKiB = mem;
  }
  if (memStats !== null) {
    const m = labelled(memStats);
    const total = m.get('total');
    const free = m.get('free');
    if (total !== undefined && free !== undefined) {
      out.memTotalKiB = total;
      out.memUsedKiB = Math.max(0, total - free - (m.get('buffers') ?? 0) - (m.get('cached') ?? 0));
    }
  }
  return out;
}

export type CommandResult = { ok: true; out: string } | { ok: false; error: string };

/**
 * One poll's results → a sample. Only domstats is required: without it the poll tells nothing, and this
 * throws with virsh's message. A command not run this time (nodeinfo, which does not change, is asked
 * now and then) takes its values from `known`, the previous sample's node.
 */
export function parseUsageBatch(
  results: Partial<Record<UsageCommand, CommandResult>>,
  at: number,
  known?: NodeCounters,
): UsageSample {
  const dom = results.domstats;
  if (!dom?.ok) throw new Error(`virsh domstats: ${dom ? dom.error : 'no result'}`);
  const warnings: string[] = [];
  const text = (what: UsageCommand): string | null => {
    const r = results[what];
    if (r?.ok) return r.out;
    if (r) warnings.push(`${what}: ${r.error}`);
    return null;
  };
  const node = parseNode(text('nodecpustats'), text('nodememstats'), text('nodeinfo'));
  const merged: Mutable<NodeCounters> = { ...node };
  if (known && !results.nodeinfo) {
    if (merged.cpus === undefined && known.cpus !== undefined) merged.cpus = known.cpus;
    if (merged.memTotalKiB === undefined && known.memTotalKiB !== undefined)
      merged.memTotalKiB = known.memTotalKiB;
  }
  const pools = text('pools');
  return {
    at,
    domains: parseDomstats(dom.out),
    node: merged,
    ...(pools !== null ? { pools: parsePools(pools) } : {}),
    warnings,
  };
}
