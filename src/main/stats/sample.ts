/** A host's poll as it crosses IPC (event `usage.sample`): domains named by their inventory VM ids. */
import type { UsageSample, VmUsageNow } from '../../shared/domain/usage';
import { DOMAIN_VALUE, LIVE_STATES, type HostUsage } from './poller';

const orNull = (v: number | undefined): number | null => (v === undefined ? null : v);

/**
 * `vmIdOf` maps a domain name on this host to its VM id; a domain the inventory does not know (yet) is left
 * out. A failed poll carries its error and no numbers: the last good ones were sent before.
 */
export function toUsageSample(u: HostUsage, vmIdOf: (domain: string) => string | undefined): UsageSample {
  if (u.error !== undefined || !u.rates) {
    return { hostId: u.hostId, at: u.at, error: u.error ?? 'no poll has worked yet', vms: [] };
  }
  const { node, pools, domains } = u.rates;
  const vms: VmUsageNow[] = [];
  for (const d of domains) {
    const vmId = vmIdOf(d.name);
    if (vmId === undefined) continue;
    const live = LIVE_STATES.has(d.state);
    vms.push({
      vmId,
      cpuPercent: orNull(DOMAIN_VALUE.cpu(d)),
      memoryBytes: live ? orNull(DOMAIN_VALUE.memory(d)) : null,
      diskReadBps: orNull(DOMAIN_VALUE.diskRead(d)),
      diskWriteBps: orNull(DOMAIN_VALUE.diskWrite(d)),
      netRxBps: orNull(DOMAIN_VALUE.netRx(d)),
      netTxBps: orNull(DOMAIN_VALUE.netTx(d)),
    });
  }
  return {
    hostId: u.hostId,
    at: u.at,
    host: {
      cpuPercent: orNull(node.cpuPercent),
      memUsedBytes: orNull(node.memUsedBytes),
      memTotalBytes: orNull(node.memTotalBytes),
      ...(pools ? { pools: Object.fromEntries(pools.map((p) => [p.name, p.allocationBytes])) } : {}),
    },
    vms,
  };
}
