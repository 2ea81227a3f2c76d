/**
 * What a sync read, turned into inventory rows: domain states by name, and every pool, volume (classified),
 * network and domain parsed. Pure parsing and classification; the hosts service writes the result.
 */
import type { DomainInfo, Volume } from '../../shared/domain/host';
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

/** A domain's XML parsed (or why it could not be), as a sync parses each one while it reads the rest. */
export function parseDomain(xml: string): DomainInfo | Error {
  try {
    return parseDomainXml(xml);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Turns what a sync read into inventory rows (pure: parsing and classification only). `parsed` holds the
 * domains already parsed (by uuid) while the rest was read.
 */
export function toInventory(
  raw: RawHostData,
  parsed?: ReadonlyMap<string, DomainInfo | Error>,
): HostInventory & { warnings: string[] } {
  const warnings = [...raw.warnings];
  const domains: SyncedDomain[] = [];
  for (const d of raw.domains) {
    const info = parsed?.get(d.uuid) ?? parseDomain(d.xml);
    if (info instanceof Error) warnings.push(`domain ${d.uuid}: ${info.message}`);
    else domains.push({ info, state: vmState(d.state) });
  }
  const pools = raw.pools.map((p) => parsePoolXml(p.xml, p.active ? 'running' : 'inactive'));
  const parsedVols = raw.pools.flatMap((p) => p.volumes.map((v) => parseVolumeXml(v.xml, p.name)));
  const volumes = classifyVolumes(parsedVols, domains);
  const networks = raw.networks.map((n) => parseNetworkXml(n.xml, n.active));
  return { pools, networks, volumes, domains, warnings };
}

/**
 * Each volume's kind (cloud image, ISO, VM disk) from what is known with it: the disks the domains attach,
 * and every backing file (of the domains' chains and of the volumes themselves). A full sync and a targeted
 * refresh both classify through here.
 */
export function classifyVolumes(
  parsed: readonly Omit<Volume, 'kind'>[],
  domains: readonly Pick<SyncedDomain, 'info'>[],
): Volume[] {
  const attachedPaths = new Set<string>();
  const backingPaths = new Set<string>();
  for (const d of domains)
    for (const disk of d.info.disks) {
      if (disk.source && disk.device === 'disk') attachedPaths.add(disk.source);
      disk.backingChain.forEach((b) => backingPaths.add(b));
    }
  for (const v of parsed) if (v.backingPath) backingPaths.add(v.backingPath);
  return parsed.map((v) => ({ ...v, kind: classifyVolume(v, { attachedPaths, backingPaths }) }));
}
