/**
 * The cloud-init seed of a full clone: a new instance-id, so cloud-init in the copied guest runs its
 * per-instance modules again (new SSH host keys, hostname), and the hostname rendered from the clone's name.
 * The users, keys and packages the source's seed set up are on the copied disk already; its network-config is
 * not carried over (a static address would clash with the source's), so the clone takes DHCP.
 */
import { emit } from './yaml11';
import type { Seed } from './seed';

/** A hostname from a VM name: lower case, only letters, digits and "-", at most 63 characters. */
export function hostnameOf(vmName: string): string {
  const h = vmName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return h || 'clone';
}

export function cloneSeed(vmName: string, instanceId: string): Seed {
  const hostname = hostnameOf(vmName);
  return {
    hostname,
    metaData: emit({ 'instance-id': instanceId, 'local-hostname': hostname }),
    userData: `#cloud-config\n${emit({ hostname, preserve_hostname: false })}`,
    networkConfig: null,
  };
}
