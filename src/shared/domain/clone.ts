/**
 * Cloning a VM: the input of the clone channel. A full clone copies the source's writable disks; a linked
 * clone (from a template only) puts a qcow2 overlay on each of the template's. One request makes one clone or
 * `count` of them, named from a template ({{.VMName}} is the source's name, {{.Index}} 1…count). Without a
 * placement the clones go to the source's host and pools; with one, the scheduler places them (a given host
 * is still checked), with the same predicates and explanations as creation.
 */
import { z } from 'zod';
import { Id } from './names';
import { PLACEMENT_STRATEGIES, PoolName } from './placement';
import { VM_NAME_RE } from './provision';
import { SnapshotDescription } from './snapshot';

export const MAX_CLONE_COUNT = 50;
export const CLONE_MODES = ['full', 'linked'] as const;
export type CloneMode = (typeof CLONE_MODES)[number];

const NAME_TOKEN_RE = /\{\{\s*\.(VMName|Index)\s*\}\}/g;

/** The clones' names: the template rendered for 1…count, or with "-N" appended when it has no {{.Index}}. */
export function cloneNames(template: string, sourceName: string, count: number): string[] {
  const indexed = /\{\{\s*\.Index\s*\}\}/.test(template);
  return Array.from({ length: count }, (_, k) => {
    const name = template.replace(NAME_TOKEN_RE, (_m, t: string) =>
      t === 'Index' ? String(k + 1) : sourceName,
    );
    return count > 1 && !indexed ? `${name}-${k + 1}` : name;
  });
}

/** What is wrong with the names a clone request renders, or null. */
export function cloneNamesProblem(template: string, sourceName: string, count: number): string | null {
  const rest = template.replace(NAME_TOKEN_RE, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    return 'Names may use only the placeholders {{.VMName}} and {{.Index}}';
  }
  const names = cloneNames(template, sourceName, count);
  const bad = names.find((n) => !VM_NAME_RE.test(n));
  if (bad !== undefined) {
    return `"${bad.slice(0, 80)}" is not a VM name: letters, digits, ".", "_" and "-", at most 63, starting with a letter or digit`;
  }
  if (new Set(names).size !== names.length) return `The names repeat: add {{.Index}}`;
  return null;
}

export const VmCloneInput = z
  .strictObject({
    /** The source VM (shut off; a template for a linked clone). */
    vmId: Id,
    /** The clone's name, or with count > 1 a name template. Each name is free on its host and in the project. */
    name: z.string().trim().min(1, 'Name is required').max(255, 'Name must be at most 255 characters'),
    description: SnapshotDescription.optional(),
    mode: z.enum(CLONE_MODES, { message: 'Mode must be full or linked' }).default('full'),
    count: z
      .number()
      .int('Count must be a whole number')
      .min(1, 'Count must be at least 1')
      .max(MAX_CLONE_COUNT, `Count must be at most ${MAX_CLONE_COUNT}`)
      .default(1),
    /** Omitted: the source's host and pools. Given: the scheduler places the clones (a host is still checked). */
    placement: z
      .strictObject({
        hostId: Id.optional(),
        pool: PoolName.optional(),
        strategy: z.enum(PLACEMENT_STRATEGIES).default('spread'),
      })
      .optional(),
  })
  .superRefine((r, ctx) => {
    // The source's name is not known here: a placeholder-free check with a sample name catches most mistakes.
    const problem = cloneNamesProblem(r.name, 'vm', r.count);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['name'] });
  });
export type VmCloneInput = z.output<typeof VmCloneInput>;
export type VmCloneRequest = z.input<typeof VmCloneInput>;

/** The tasks a clone request started: one per clone, in name order. */
export interface VmCloneStarted {
  readonly taskId: string;
  readonly taskIds: readonly string[];
}
