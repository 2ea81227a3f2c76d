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
}

export const VmListInput = z.strictObject({
  projectId: ProjectRef,
  /** Only the VMs directly in this folder. */
  folderId: Id.optional(),
});

export const POWER_ACTIONS = ['start', 'shutdown', 'destroy', 'reboot', 'suspend', 'resume'] as const;
export type PowerActionName = (typeof POWER_ACTIONS)[number];

export const VmPowerInput = z.strictObject({
  vmId: Id,
  action: z.enum(POWER_ACTIONS, { message: `Action must be one of ${POWER_ACTIONS.join(', ')}` }),
});
