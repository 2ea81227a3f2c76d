/** Small helpers the step components share. */
import type { StepErrors, StepId } from './draft';

export const validated = (error: string | undefined) => (error === undefined ? 'default' : 'error');

/** Errors about the step as a whole, not a field the user has yet to fill in: shown at once. */
const ALWAYS = new Set(['placement', 'disks', 'nics']);

/**
 * The errors a step shows: those of fields the user changed (or of rows they changed: `disks.0` covers
 * `disks.0.size`), and all of them once the step was left or "Show what is missing" was used.
 */
export function visibleErrors(
  step: StepId,
  errors: StepErrors,
  touched: Readonly<Record<string, true>>,
): StepErrors {
  if (touched[`${step}.*`]) return errors;
  const out: StepErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    if (ALWAYS.has(key)) {
      out[key] = message;
      continue;
    }
    const parts = key.split('.');
    const shown = parts.some((_, i) => touched[`${step}.${parts.slice(0, i + 1).join('.')}`]);
    if (shown) out[key] = message;
  }
  return out;
}
