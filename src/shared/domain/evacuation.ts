/**
 * Emptying a host for maintenance: what the scheduler is told about each VM on it, and the plan it makes.
 * The plan crosses IPC as is (the host page shows it before anything moves).
 */
import { z } from 'zod';
import { Id } from './names';
import type { HostEvaluation } from './placement';

/** A VM of the host being emptied, as the planner needs it. */
export interface EvacuatingVm {
  readonly vmId: string;
  readonly name: string;
  readonly vcpus: number;
  readonly memoryBytes: number;
  readonly running: boolean;
  /** Each disk keeps its pool (and so its path) on the destination, as migration needs. */
  readonly disks: readonly { readonly sizeBytes: number; readonly thin: boolean; readonly pool: string }[];
  /** The networks of its NICs: every one must be active on the destination. */
  readonly networks: readonly string[];
  readonly firmware: { readonly uefi: boolean; readonly tpm: boolean };
  /** Its anti-affinity group (label qhci.group), if any. */
  readonly group?: string;
  /** Why it cannot migrate anywhere (found before placement: a disk that is not a file, a host device…). */
  readonly blocker?: string;
}

export interface EvacuationMove {
  readonly vmId: string;
  readonly name: string;
  readonly toHostId: string;
  readonly toHostName: string;
  /** The destination's total score when it was chosen (higher is better). */
  readonly score: number;
}

export interface EvacuationStuck {
  readonly vmId: string;
  readonly name: string;
  /** Why it cannot move: its blocker, or the scheduler's "No feasible nodes found among …". */
  readonly reason: string;
  /** Every host as judged for it (empty for a blocker found before placement). */
  readonly table: readonly HostEvaluation[];
}

/** What one destination receives under the plan. */
export interface EvacuationTarget {
  readonly hostId: string;
  readonly hostName: string;
  readonly vms: number;
  readonly vcpus: number;
  readonly memoryBytes: number;
}

export interface EvacuationPlan {
  readonly hostId: string;
  /** In the order they should go: the largest first, as they were placed. */
  readonly moves: readonly EvacuationMove[];
  readonly stuck: readonly EvacuationStuck[];
  /** Destinations by name. */
  readonly targets: readonly EvacuationTarget[];
}

export const HostMaintenanceInput = z.strictObject({
  id: Id,
  /**
   * What to do with the VMs that cannot move: `abort` (the default) refuses to start while there are any;
   * `shut-down` shuts them down cleanly once the others have moved.
   */
  stuck: z.enum(['abort', 'shut-down'], { message: 'stuck must be abort or shut-down' }).default('abort'),
});
export type HostMaintenanceInput = z.output<typeof HostMaintenanceInput>;
