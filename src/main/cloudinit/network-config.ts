/**
 * network-config documents: a given one re-serialised as YAML 1.1, and the two QHCI writes itself (DHCP on
 * every NIC, or one static address).
 */
import { checkNetworkConfig } from '../../shared/domain/cloud-config';
import { emit, invalid, isMapping, parseMapping, type Mapping } from './yaml11';

/** The given network-config re-serialised as YAML 1.1, unwrapped from a top-level `network:`. */
export function normaliseNetworkConfig(text: string, field = 'customization.networkConfig'): string {
  const check = checkNetworkConfig(text);
  if (!check.ok) throw invalid(check.reason, field);
  const root = parseMapping(text, 'Network config', field);
  const inner = isMapping(root.network) ? root.network : root;
  if (inner.version !== 1 && inner.version !== 2) {
    throw invalid('Network config must declare "version: 1" or "version: 2"', field);
  }
  return emit(inner);
}

/** Version 2 network-config: DHCP (v4, and v6 if asked) on every ethernet NIC named e*. */
export function dhcpNetworkConfig(opts: { dhcp6?: boolean } = {}): string {
  const nic: Mapping = { match: { name: 'e*' }, dhcp4: true };
  if (opts.dhcp6) nic.dhcp6 = true;
  return emit({ version: 2, ethernets: { nics: nic } });
}

export interface StaticNetwork {
  /** Address with prefix length, e.g. `192.0.2.10/24` or `2001:db8::10/64`. */
  address: string;
  gateway?: string;
  dns?: readonly string[];
  /** Interface name pattern; default `e*`. */
  match?: string;
}

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

/** 4 or 6 for an IP address, else 0 (node:net's isIP is off limits in this pure module). */
export function ipFamily(ip: string): 0 | 4 | 6 {
  if (IPV4_RE.test(ip)) return 4;
  if (!ip.includes(':') || !/^[0-9A-Fa-f:.]{2,45}$/.test(ip)) return 0;
  try {
    // The WHATWG URL parser validates IPv6 literals exactly (and rejects zone ids).
    new URL(`http://[${ip}]/`);
    return 6;
  } catch {
    return 0;
  }
}

function checkCidr(cidr: string, field: string): 4 | 6 {
  const slash = cidr.lastIndexOf('/');
  const ip = slash === -1 ? '' : cidr.slice(0, slash);
  const prefix = slash === -1 ? '' : cidr.slice(slash + 1);
  const family = ipFamily(ip);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    throw invalid(
      `"${cidr.slice(0, 64)}" is not an address with a prefix length (for example 192.0.2.10/24)`,
      field,
    );
  }
  return family as 4 | 6;
}

/** Version 2 network-config with one static address, an optional default route and DNS servers. */
export function staticNetworkConfig(net: StaticNetwork): string {
  const family = checkCidr(net.address, 'networkConfig.address');
  const nic: Mapping = { match: { name: net.match ?? 'e*' }, addresses: [net.address] };
  if (net.match !== undefined && !/^[A-Za-z0-9*?_.:-]{1,32}$/.test(net.match)) {
    throw invalid(
      'The interface pattern may contain letters, digits, "*", "?", "_", ".", ":" and "-"',
      'networkConfig.match',
    );
  }
  if (net.gateway !== undefined) {
    if (ipFamily(net.gateway) !== family) {
      throw invalid(`The gateway must be an IPv${family} address like the address`, 'networkConfig.gateway');
    }
    nic.routes = [{ to: family === 4 ? '0.0.0.0/0' : '::/0', via: net.gateway }];
  }
  if (net.dns !== undefined && net.dns.length > 0) {
    net.dns.forEach((d) => {
      if (ipFamily(d) === 0) throw invalid(`"${d.slice(0, 64)}" is not an IP address`, 'networkConfig.dns');
    });
    nic.nameservers = { addresses: [...net.dns] };
  }
  return emit({ version: 2, ethernets: { nics: nic } });
}
