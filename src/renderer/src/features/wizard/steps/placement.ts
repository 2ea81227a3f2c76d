/** Step 2, Placement: the scheduler chooses (auto) or the user picks a host, which is still checked. */
import type { PlacementStrategy } from '../../../../../shared/domain/placement';
import type { PlacementDraft, StepCheck, StepErrors, WizardFacts } from '../draft';
import { describeBlockers, placementBlockers } from '../placement-issues';
import { hasErrors, requestErrors } from '../schema';

export interface PlacementValue {
  readonly hostId?: string;
  readonly strategy: PlacementStrategy;
  readonly antiAffinityGroup?: string;
}

export function initStep(): PlacementDraft {
  return { mode: 'auto', hostId: null, strategy: 'spread', antiAffinityGroup: '' };
}

export const STRATEGY_LABELS: Readonly<Record<PlacementStrategy, string>> = {
  spread: 'Spread: the host with the most room left',
  pack: 'Pack: fill the busiest host that still fits',
  balance: 'Balance: even CPU and memory use',
};

export function validateStep(d: PlacementDraft, facts: WizardFacts): StepCheck<PlacementValue> {
  const group = d.antiAffinityGroup.trim();
  const errors: StepErrors = requestErrors(
    { placement: { strategy: d.strategy, ...(group !== '' ? { antiAffinityGroup: group } : {}) } },
    (path) => (path === 'placement.antiAffinityGroup' ? 'antiAffinityGroup' : undefined),
  );
  if (facts.hosts.length === 0) errors.hostId = 'Add a host first: there is nowhere to place the VM';
  else if (d.mode === 'manual' && d.hostId === null) errors.hostId = 'Choose a host';
  else if (d.mode === 'manual' && !facts.hosts.some((h) => h.id === d.hostId))
    errors.hostId = 'That host is no longer in the inventory';

  const outcome = facts.placement;
  if (!hasErrors(errors) && facts.placementError !== undefined) errors.placement = facts.placementError;
  if (!hasErrors(errors) && outcome !== undefined && !outcome.ok) {
    if (outcome.failure.kind === 'manual-host-unknown') errors.hostId = outcome.failure.message;
    else {
      const own = describeBlockers(placementBlockers(outcome, 'placement'), () => true);
      if (own !== '') errors[d.mode === 'manual' ? 'hostId' : 'placement'] = own;
    }
  }
  if (hasErrors(errors)) return { ok: false, errors };
  // Until the dry run answers, the step cannot be left: what it chose is not known yet.
  if (outcome === undefined) return { ok: false, errors };
  return {
    ok: true,
    errors,
    value: {
      strategy: d.strategy,
      ...(d.mode === 'manual' && d.hostId !== null ? { hostId: d.hostId } : {}),
      ...(group !== '' ? { antiAffinityGroup: group } : {}),
    },
  };
}
