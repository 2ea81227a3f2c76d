import { z } from 'zod';
import { Id, ProjectRef } from './names';

export const VM_STATES = [
  'running',
  'paused',
  'shutoff',
  'crashed',
  'pmsuspended',
  'creating',
  'unknown',
] as const;
export type VmState = (typeof VM_STATES)[number];

export interface VmSummary {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly folderId: string | null;
  readonly hostId: string | null;
  readonly state: VmState;
  readonly scheduledAt: string | null;
  readonly vcpus: number | null;
  readonly memoryBytes: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly description: string;
  /** A template: never started; its disks are read-only bases for linked clones. */
  readonly template: boolean;
  /** The VM this one was cloned from, while the inventory knows it. */
  readonly parentId: string | null;
  /** A linked clone: its disks are overlays on its parent's, which cannot go while it exists. */
  readonly linked: boolean;
}

export const VmListInput = z.strictObject({
  projectId: ProjectRef,
  /** Only the VMs directly in this folder. */
  folderId: Id.optional(),
  /** Only the VMs on this host. */
  hostId: Id.optional(),
});

export const VmGetInput = z.strictObject({ id: Id });

/** One VM with what the inventory knows of its devices and how it was created. */
export interface VmDetail extends VmSummary {
  readonly uuid: string | null;
  readonly details: {
    readonly type?: string;
    readonly disks?: readonly {
      device: string;
      target: string;
      bus: string | null;
      source: string | null;
      format: string | null;
      backingChain: readonly string[];
    }[];
    readonly nics?: readonly {
      type: string;
      source: string | null;
      mac: string | null;
      model: string | null;
    }[];
    /** As the last sync read them; `exposed` (listens beyond the host's loopback) is absent in older rows. */
    readonly graphics?: readonly {
      type: string;
      port: number | null;
      listen?: string | null;
      exposed?: boolean;
    }[];
  };
  /** The create request as submitted, secrets removed; null for VMs found on a host. */
  readonly request: Readonly<Record<string, unknown>> | null;
  readonly createdAt: string;
}

export const POWER_ACTIONS = ['start', 'shutdown', 'destroy', 'reboot', 'suspend', 'resume'] as const;
export type PowerActionName = (typeof POWER_ACTIONS)[number];

/** Signs of life of a running guest: its agent, or a DHCP lease of its NICs. */
export const VmGuestInput = z.strictObject({ vmId: Id });
export interface VmGuestStatus {
  readonly state: VmState;
  /** kvm or qemu (TCG), from the domain's definition. */
  readonly domainType: string;
  /** The guest agent answered. */
  readonly agent: boolean;
  /** Where the addresses come from: the agent, else libvirt's DHCP leases; null when neither has any. */
  readonly source: 'agent' | 'lease' | null;
  readonly addresses: readonly string[];
}

/** "Use a compatible CPU mode" for a VM its host would not start. */
export const VmFixCpuInput = z.strictObject({ vmId: Id });
export interface VmFixCpuResult {
  readonly state: VmState;
  /** The CPU variant the VM now has (see CpuVariant). */
  readonly cpuMode: string;
  readonly detail: string;
}

export const VmPowerInput = z.strictObject({
  vmId: Id,
  action: z.enum(POWER_ACTIONS, { message: `Action must be one of ${POWER_ACTIONS.join(', ')}` }),
});
