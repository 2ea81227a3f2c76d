/** Step 5, Network: one NIC per network, with its model (blank: the guest profile's). */
import { type NIC_MODELS, type NicSpec } from '../../../../../shared/domain/provision';
import {
  rowKey,
  type NetworkDraft,
  type NicDraft,
  type StepCheck,
  type StepErrors,
  type WizardFacts,
} from '../draft';
import { placementBlockers } from '../placement-issues';
import { hasErrors, mergeErrors, requestErrors } from '../schema';
import type { z } from 'zod';

export type NetworkValue = readonly z.input<typeof NicSpec>[];

export const NIC_MODEL_LABELS: Readonly<Record<(typeof NIC_MODELS)[number], string>> = {
  virtio: 'virtio (paravirtual, fastest)',
  e1000e: 'e1000e (Intel, for guests without virtio)',
  rtl8139: 'rtl8139 (Realtek, legacy guests)',
};

export function newNic(network = 'default'): NicDraft {
  return { key: rowKey('nic'), network, model: '' };
}

export function initStep(): NetworkDraft {
  return { nics: [newNic()] };
}

function fieldOf(path: string): string | undefined {
  const m = /^nics\.(\d+)\.(network|model)/.exec(path);
  if (m) return `nics.${m[1]}.${m[2]}`;
  return path.startsWith('nics') ? 'nics' : undefined;
}

export function validateStep(d: NetworkDraft, facts: WizardFacts): StepCheck<NetworkValue> {
  const local: StepErrors = {};
  const nics = d.nics.map((n, i) => {
    if (n.network.trim() === '') local[`nics.${i}.network`] = 'Choose a network';
    return { network: n.network, ...(n.model !== '' ? { model: n.model } : {}) };
  });
  let errors = mergeErrors(local, requestErrors({ nics }, fieldOf));
  if (!hasErrors(errors)) {
    const reasons = placementBlockers(facts.placement, 'network').flatMap((b) =>
      b.reasons.map((r) => `${b.hostName}: ${r}`),
    );
    if (reasons.length > 0) errors = { 'nics.0.network': [...new Set(reasons)].join('; ') };
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, errors, value: nics };
}
