/**
 * Signs that a started guest is alive: its guest agent answers, or its NIC has a DHCP lease. On some nested
 * KVM hosts a domain "runs" (QEMU at 100 % CPU) while the guest kernel hangs after its first lines; without
 * this, creation would wait out its whole time-out and the user would never learn why.
 */
import type { HostDriver } from '../../hosts/driver';
import { parseDomifaddr } from '../host-ops';

/** Under KVM a guest that boots at all answers DHCP or its agent well within this. */
export const DEFAULT_LIFE_TIMEOUT_MS = 150_000;

/** The addresses libvirt's DHCP (its own dnsmasq networks) leased to the domain's NICs. */
export async function leaseAddresses(driver: Pick<HostDriver, 'virsh'>, uuid: string): Promise<string[]> {
  try {
    const out = await driver.virsh(['domifaddr', '--domain', uuid, '--source', 'lease'], {
      timeoutMs: 15_000,
    });
    return parseDomifaddr(out);
  } catch {
    // A NIC on a network without libvirt's DHCP (a bridge) has no lease to read: no sign either way.
    return [];
  }
}

/** Whether the domain's NICs hold a DHCP lease. */
export async function hasLease(driver: Pick<HostDriver, 'virsh'>, uuid: string): Promise<boolean> {
  return (await leaseAddresses(driver, uuid)).length > 0;
}

export function noSignOfLife(seconds: number, hostName: string): string {
  return (
    `No sign of life from the guest after ${seconds} s under KVM (its guest agent never answered and it ` +
    `took no DHCP lease): the KVM of host ${hostName} may be unable to run it. Set the host's accelerator ` +
    `to TCG (emulation) on its page or with "qhci host set ${hostName} --accel tcg", or create the VM with ` +
    `the TCG accelerator`
  );
}
