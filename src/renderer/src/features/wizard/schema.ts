/**
 * Step validation through the contract's own schema: a step's fields are parsed as part of a whole
 * `CreateVmRequest` whose other fields are neutral, valid values, so every rule main applies (cross-field
 * ones included) reports on the step that owns the field.
 */
import { issueMessage } from '../../../../shared/domain/names';
import { CreateVmRequest, type CreateVmRequestInput } from '../../../../shared/domain/provision';
import { GiB, type StepErrors } from './draft';

const NEUTRAL: CreateVmRequestInput = {
  name: 'vm',
  compute: { sockets: 1, cores: 1, memoryBytes: GiB },
};

/**
 * The errors of `part` parsed within a neutral request. `field` maps an issue's path (`disks.0.sizeBytes`)
 * to the step's field key (`disks.0.size`); issues it maps to undefined belong to another step.
 */
export function requestErrors(
  part: Partial<CreateVmRequestInput>,
  field: (path: string) => string | undefined,
): StepErrors {
  const parsed = CreateVmRequest.safeParse({ ...NEUTRAL, ...part });
  const errors: StepErrors = {};
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const key = field(issue.path.map(String).join('.'));
    if (key !== undefined && !(key in errors)) errors[key] = issueMessage(issue);
  }
  return errors;
}

/** Adds `extra` errors for fields that have none yet. */
export function mergeErrors(errors: StepErrors, extra: StepErrors): StepErrors {
  const out = { ...errors };
  for (const [k, v] of Object.entries(extra)) if (!(k in out)) out[k] = v;
  return out;
}

export const hasErrors = (errors: StepErrors): boolean => Object.keys(errors).length > 0;
