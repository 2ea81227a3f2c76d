/**
 * The create-VM wizard's draft, kept while the user is elsewhere in the app: leaving the page and coming
 * back restores it, and only Discard (confirmed) or a started creation drops it.
 *
 * In memory only. The secrets (the guest password and its confirmation) sit beside the draft, never in
 * it, so nothing that serialises the draft can carry them: if this store is ever persisted, persist
 * `draft`, `step` and `touched` only.
 */
import { create } from 'zustand';
import { NO_SECRETS, type StepId, type WizardDraft, type WizardSecrets } from '../features/wizard/draft';
import { initDraft } from '../features/wizard/request';

type Section = keyof WizardDraft;

interface WizardState {
  readonly draft: WizardDraft;
  readonly secrets: WizardSecrets;
  readonly step: StepId;
  /** Fields the user changed (`basics.name`, `storage.disks.0.size`): their errors show at once. */
  readonly touched: Readonly<Record<string, true>>;
  /** True once anything was changed: a draft worth restoring (and asking before discarding). */
  readonly dirty: boolean;
  /** Bumped whenever the secrets change: what caches keyed on the request (without them) go by. */
  readonly secretsRevision: number;
  update<S extends Section>(section: S, patch: Partial<WizardDraft[S]>, touched?: readonly string[]): void;
  /** Replaces several sections at once (a choice in one step that changes another). */
  replace(patch: Partial<WizardDraft>): void;
  setSecrets(patch: Partial<WizardSecrets>): void;
  touch(...fields: string[]): void;
  setStep(step: StepId): void;
  discard(): void;
}

export const useWizard = create<WizardState>()((set) => ({
  draft: initDraft(),
  secrets: NO_SECRETS,
  step: 'basics',
  touched: {},
  dirty: false,
  secretsRevision: 0,
  update: (section, patch, touched = []) =>
    set((s) => ({
      draft: { ...s.draft, [section]: { ...s.draft[section], ...patch } },
      touched: withTouched(s.touched, touched),
      dirty: true,
    })),
  replace: (patch) => set((s) => ({ draft: { ...s.draft, ...patch }, dirty: true })),
  setSecrets: (patch) =>
    set((s) => ({
      secrets: { ...s.secrets, ...patch },
      secretsRevision: s.secretsRevision + 1,
      touched: withTouched(
        s.touched,
        Object.keys(patch).map((k) => `secrets.${k}`),
      ),
      dirty: true,
    })),
  touch: (...fields) => set((s) => ({ touched: withTouched(s.touched, fields) })),
  setStep: (step) => set({ step }),
  discard: () =>
    set((s) => ({
      draft: initDraft(),
      secrets: NO_SECRETS,
      secretsRevision: s.secretsRevision + 1,
      step: 'basics',
      touched: {},
      dirty: false,
    })),
}));

function withTouched(prev: Readonly<Record<string, true>>, fields: readonly string[]) {
  if (fields.length === 0 || fields.every((f) => prev[f])) return prev;
  const next = { ...prev };
  for (const f of fields) next[f] = true;
  return next;
}
