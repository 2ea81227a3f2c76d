/**
 * VM snapshots: the names QHCI accepts, the inputs of the snapshot channels, the tree they are listed as and
 * the plan shown before one is taken (which mode, the memory it needs against the pool's free space, and
 * why it cannot be taken when it cannot).
 */
import { z } from 'zod';
import { CONTROL_CHARS, Id, TEXT_CONTROL_CHARS } from './names';

/**
 * A snapshot name: printable, at most 64 characters, no "/" (libvirt and the external overlay's file name),
 * no leading "-" or "." (never read as an option or a hidden file), no surrounding spaces.
 */
export const SnapshotName = z
  .string({ message: 'Snapshot name is required' })
  .min(1, 'Snapshot name is required')
  .max(64, 'Snapshot name must be at most 64 characters')
  .refine((s) => !CONTROL_CHARS.test(s), 'Snapshot name may not contain control characters')
  .refine((s) => !s.includes('/'), 'Snapshot name may not contain "/"')
  .refine((s) => !s.startsWith('-') && !s.startsWith('.'), 'Snapshot name may not start with "-" or "."')
  .refine((s) => s.trim() === s, 'Snapshot name may not start or end with a space')
  .refine((s) => !/[\\'"<>&`$]/.test(s), 'Snapshot name may not contain \\ \' " < > & ` or $');

export const SnapshotDescription = z
  .string()
  .max(1000, 'Description must be at most 1000 characters')
  .refine((s) => !TEXT_CONTROL_CHARS.test(s), 'Description may not contain control characters');

export const SnapshotListInput = z.strictObject({ vmId: Id });

export const SnapshotPlanInput = z.strictObject({
  vmId: Id,
  /** With the running VM's memory (it reverts to running), or its disks only. */
  memory: z.boolean(),
});

export const SnapshotCreateInput = z.strictObject({
  vmId: Id,
  name: SnapshotName,
  description: SnapshotDescription.optional(),
  memory: z.boolean(),
});
export type SnapshotCreateInput = z.infer<typeof SnapshotCreateInput>;

export const SnapshotRevertInput = z.strictObject({ vmId: Id, name: SnapshotName });

export const SnapshotDeleteInput = z.strictObject({
  vmId: Id,
  names: z
    .array(SnapshotName)
    .min(1, 'Name at least one snapshot')
    .max(100, 'At most 100 snapshots at once')
    .refine((a) => new Set(a).size === a.length, 'A snapshot is named twice'),
});

/** Internal: inside the qcow2 disks; external: overlay files over the disks (and a memory file). */
export type SnapshotMode = 'internal' | 'external';

export interface Snapshot {
  readonly name: string;
  readonly description: string;
  /** The snapshot it was taken on top of (null for a root). */
  readonly parent: string | null;
  /** ISO time. */
  readonly createdAt: string;
  /** The VM's state when it was taken ("running", "shutoff", "disk-snapshot"…). */
  readonly state: string;
  /** The snapshot the VM's current state descends from. */
  readonly current: boolean;
  /** Whether it holds the VM's memory (a revert ends running). */
  readonly memory: boolean;
  readonly mode: SnapshotMode;
}

/** A snapshot with its children, oldest first. */
export interface SnapshotNode extends Snapshot {
  readonly children: readonly SnapshotNode[];
}

export interface SnapshotTree {
  readonly vmId: string;
  readonly roots: readonly SnapshotNode[];
  readonly count: number;
  readonly current: string | null;
}

/** What taking a snapshot would do now, or why it cannot. */
export interface SnapshotPlan {
  readonly vmId: string;
  /** The mode it would use (null: no mode works). */
  readonly mode: SnapshotMode | null;
  /** Whether the memory would be saved (asked for and the VM runs). */
  readonly memory: boolean;
  /** The VM's state on its host now. */
  readonly vmState: string;
  /** Bytes the memory state needs, and the pool it goes to with its free space (memory snapshots only). */
  readonly memoryBytes: number;
  readonly pool: string | null;
  readonly poolFreeBytes: number | null;
  /** Why it cannot be taken (null: it can), with what works instead where something does. */
  readonly refusal: string | null;
  /** Notes for the confirmation ("the VM is paused while its memory is saved"). */
  readonly notes: readonly string[];
}
