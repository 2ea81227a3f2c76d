/**
 * The cloud-init seed of a full clone: a new instance-id, so cloud-init in the copied guest runs its
 * per-instance modules again (new SSH host keys, hostname), and the hostname rendered from the clone's name.
 * The copied /etc/machine-id is replaced once per instance (systemd-machine-id-setup makes a new one: from
 * the clone's own SMBIOS UUID in a VM, else at random), so journald, DHCP client ids and the like differ.
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

/** bootcmd: once per instance, a new machine-id in place of the source's. */
export const NEW_MACHINE_ID = [
  'cloud-init-per',
  'instance',
  'qhci-clone-machine-id',
  'sh',
  '-c',
  'rm -f /etc/machine-id && systemd-machine-id-setup',
];

export function cloneSeed(vmName: string, instanceId: string): Seed {
  const hostname = hostnameOf(vmName);
  return {
    hostname,
    metaData: emit({ 'instance-id': instanceId, 'local-hostname': hostname }),
    userData: `#cloud-config\n${emit({ hostname, preserve_hostname: false, bootcmd: [NEW_MACHINE_ID] })}`,
    networkConfig: null,
  };
}
