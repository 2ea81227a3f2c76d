/**
 * Templates: a shut-off VM turned into a template (never started again; its writable disks made read-only
 * bases for linked clones), and a linked clone detached from its template (its disks rebased onto no backing,
 * a full VM of its own).
 */
import { z } from 'zod';
import { Id } from './names';

export const VmConvertToTemplateInput = z.strictObject({
  vmId: Id,
  /** A running VM is shut down first only when this is true (the app asks); otherwise it is refused. */
  shutDown: z.boolean().default(false),
});
export type VmConvertToTemplateInput = z.output<typeof VmConvertToTemplateInput>;

export const VmDetachInput = z.strictObject({ vmId: Id });
export type VmDetachInput = z.output<typeof VmDetachInput>;
