/**
 * Cloning a VM: the input of the clone channel. Today a full clone of a shut-off VM on its own host and pool;
 * a destination (host, pool) and a count are later fields of the same input.
 */
import { z } from 'zod';
import { Id } from './names';
import { VmName } from './provision';
import { SnapshotDescription } from './snapshot';

export const VmCloneInput = z.strictObject({
  /** The source VM (shut off). */
  vmId: Id,
  /** The clone's name: free on the source's host and in its project. */
  name: VmName,
  description: SnapshotDescription.optional(),
});
export type VmCloneInput = z.infer<typeof VmCloneInput>;
