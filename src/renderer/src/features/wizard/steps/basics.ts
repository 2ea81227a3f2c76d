/** Step 1, Basics: name, description, project, folder and how many VMs. */
import { parseCount, type BasicsDraft, type StepCheck } from '../draft';
import { hasErrors, requestErrors } from '../schema';

export interface BasicsValue {
  readonly name: string;
  readonly description: string;
  readonly projectId?: string;
  readonly folderId?: string;
  readonly count: number;
}

export function initStep(): BasicsDraft {
  return { name: '', description: '', projectId: null, folderId: null, count: '1' };
}

const FIELDS = new Set(['name', 'description', 'folderId', 'count']);

export function validateStep(d: BasicsDraft): StepCheck<BasicsValue> {
  const count = parseCount(d.count);
  const part = {
    name: d.name,
    description: d.description,
    count: count ?? 1,
    ...(d.folderId !== null ? { folderId: d.folderId } : {}),
  };
  const errors = requestErrors(part, (path) => (FIELDS.has(path) ? path : undefined));
  if (count === null) errors.count = 'Count must be a whole number';
  if (hasErrors(errors) || count === null) return { ok: false, errors };
  return {
    ok: true,
    errors,
    value: {
      name: d.name.trim(),
      description: d.description,
      count,
      ...(d.projectId !== null ? { projectId: d.projectId } : {}),
      ...(d.folderId !== null ? { folderId: d.folderId } : {}),
    },
  };
}
