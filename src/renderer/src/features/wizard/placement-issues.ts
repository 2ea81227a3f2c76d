/**
 * Which step a failed placement is about. The scheduler names the predicates each host fails; each one
 * belongs to the step whose fields can fix it (memory to Compute, pools to Storage, ...), so a dry run
 * that finds no host blocks that step, with the hosts' own reasons on its fields.
 */
import type { HostEvaluation, PlacementOutcome } from '../../../../shared/domain/placement';
import type { StepId } from './draft';

const PREDICATE_STEP: Readonly<Record<string, StepId>> = {
  'host-state': 'placement',
  'host-filter': 'placement',
  labels: 'placement',
  group: 'placement',
  accelerator: 'compute',
  'cpu-memory': 'compute',
  'pool-affinity': 'storage',
  'pool-capacity': 'storage',
  network: 'network',
  firmware: 'boot',
};

/** The step a predicate's failure is fixed in; unknown predicates belong to Placement. */
export function stepOfPredicate(name: string): StepId {
  return PREDICATE_STEP[name] ?? 'placement';
}

export interface PlacementBlocker {
  readonly hostName: string;
  readonly predicate: string;
  readonly reasons: readonly string[];
}

/**
 * The predicates of `step` that stop the placement: none when it succeeded. Of a failed one, the hosts
 * it considered (only the picked host, for a manual placement) that fail a predicate of this step.
 */
export function placementBlockers(outcome: PlacementOutcome | undefined, step: StepId): PlacementBlocker[] {
  if (outcome === undefined || outcome.ok) return [];
  const rows: readonly HostEvaluation[] = outcome.failure.table;
  const out: PlacementBlocker[] = [];
  for (const row of rows) {
    if (row.feasible) continue;
    for (const predicate of row.failed) {
      if (stepOfPredicate(predicate) !== step) continue;
      out.push({
        hostName: row.hostName,
        predicate,
        reasons: row.reasons.filter((r) => matches(predicate, r)),
      });
    }
  }
  return out;
}

/** Whether a readable reason comes from this predicate (reasons are not tagged, so by their wording). */
function matches(predicate: string, reason: string): boolean {
  switch (predicate) {
    case 'cpu-memory':
      return /vCPU|CPU|memory/i.test(reason);
    case 'pool-affinity':
    case 'pool-capacity':
      return /pool/i.test(reason);
    case 'network':
      return /network/i.test(reason);
    case 'firmware':
      return /UEFI|TPM|firmware/i.test(reason);
    default:
      return true;
  }
}

/** "kvm-a: reason; sim-b: reason": each host's reasons that `pick` keeps. */
export function describeBlockers(blockers: readonly PlacementBlocker[], pick: (reason: string) => boolean) {
  const parts: string[] = [];
  for (const b of blockers) {
    for (const r of b.reasons) if (pick(r)) parts.push(`${b.hostName}: ${r}`);
  }
  return [...new Set(parts)].join('; ');
}
