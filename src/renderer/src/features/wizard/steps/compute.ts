/** Step 3, Compute: sockets × cores, and memory from a preset or a custom value. */
import { GiB, MiB, parseCount, type ComputeDraft, type StepCheck, type WizardFacts } from '../draft';
import { describeBlockers, placementBlockers } from '../placement-issues';
import { hasErrors, mergeErrors, requestErrors } from '../schema';

export interface ComputeValue {
  readonly sockets: number;
  readonly cores: number;
  readonly memoryBytes: number;
}

/** Memory presets, in GiB. */
export const MEMORY_PRESETS = ['0.5', '1', '2', '4', '8', '16', '32', '64'] as const;

export function initStep(): ComputeDraft {
  return { sockets: '1', cores: '1', memoryGiB: '1', memoryCustom: false };
}

/** "1.5" (GiB) → bytes in whole MiB; null when not a positive number. */
export function memoryBytes(gib: string): number | null {
  const t = gib.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const bytes = Math.round(Number(t) * 1024) * MiB;
  return bytes > 0 ? bytes : null;
}

const FIELD: Readonly<Record<string, string>> = {
  'compute.sockets': 'sockets',
  'compute.cores': 'cores',
  'compute.memoryBytes': 'memory',
};

export function validateStep(d: ComputeDraft, facts: WizardFacts): StepCheck<ComputeValue> {
  const sockets = parseCount(d.sockets);
  const cores = parseCount(d.cores);
  const memory = memoryBytes(d.memoryGiB);
  const local: Record<string, string> = {};
  if (sockets === null) local.sockets = 'Sockets must be a whole number';
  if (cores === null) local.cores = 'Cores must be a whole number';
  if (memory === null) local.memory = 'Memory must be a number of GiB, such as 4 or 1.5';
  const compute = { sockets: sockets ?? 1, cores: cores ?? 1, memoryBytes: memory ?? GiB };
  let errors = mergeErrors(
    local,
    requestErrors({ compute }, (path) => FIELD[path]),
  );
  if (!hasErrors(errors)) {
    const blockers = placementBlockers(facts.placement, 'compute');
    const mem = describeBlockers(blockers, (r) => /memory/i.test(r));
    const cpu = describeBlockers(blockers, (r) => !/memory/i.test(r));
    errors = mergeErrors(errors, {
      ...(mem !== '' ? { memory: `No host has room for this memory: ${mem}` } : {}),
      ...(cpu !== '' ? { cores: `No host has room for these vCPUs: ${cpu}` } : {}),
    });
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, errors, value: compute };
}
