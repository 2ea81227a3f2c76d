/**
 * What a sync read, turned into inventory rows: domain states by name, and every pool, volume (classified),
 * network and domain parsed. Pure parsing and classification; the hosts service writes the result.
 */
import type { Volume } from '../../shared/domain/host';
import type { VmState } from '../../shared/domain/vm';
import type { RawHostData } from '../hosts/driver';
import type { HostInventory, SyncedDomain } from '../inventory/host-inventory.repo';
import { classifyVolume, parseDomainXml, parseNetworkXml, parsePoolXml, parseVolumeXml } from '../virt/parse';

const VM_STATES: Record<string, VmState> = {
  running: 'running',
  idle: 'running',
  blocked: 'running',
  paused: 'paused',
  'in shutdown': 'running',
  shutdown: 'shutoff',
  'shut off': 'shutoff',
  shutoff: 'shutoff',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
};

export function vmState(text: string): VmState {
  return VM_STATES[text.trim().toLowerCase()] ?? 'unknown';
}

/** Turns what a sync read into inventory rows (pure: parsing and classification only). */
export function toInventory(raw: RawHostData): HostInventory & { warnings: string[] } {
  const warnings = [...raw.warnings];
  const domains: SyncedDomain[] = [];
  for (const d of raw.domains) {
    try {
      domains.push({ info: parseDomainXml(d.xml), state: vmState(d.state) });
    } catch (err) {
      warnings.push(`domain ${d.uuid}: ${(err as Error).message}`);
    }
  }
  const attachedPaths = new Set<string>();
  for (const d of domains)
    for (const disk of d.info.disks)
      if (disk.source && disk.device === 'disk') attachedPaths.add(disk.source);
  const pools = raw.pools.map((p) => parsePoolXml(p.xml, p.active ? 'running' : 'inactive'));
  const parsedVols = raw.pools.flatMap((p) => p.volumes.map((v) => parseVolumeXml(v.xml, p.name)));
  const backingPaths = new Set(parsedVols.flatMap((v) => (v.backingPath ? [v.backingPath] : [])));
  for (const d of domains)
    for (const disk of d.info.disks) disk.backingChain.forEach((b) => backingPaths.add(b));
  const volumes: Volume[] = parsedVols.map((v) => ({
    ...v,
    kind: classifyVolume(v, { attachedPaths, backingPaths }),
  }));
  const networks = raw.networks.map((n) => parseNetworkXml(n.xml, n.active));
  return { pools, networks, volumes, domains, warnings };
}
