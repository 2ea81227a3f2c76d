/**
 * Step 7, Customization (cloud images only): a customization spec and per-VM overrides of its fields.
 * A field is sent as an override only when it differs from the spec (or, without one, from the defaults).
 * The password lives in WizardSecrets, never in the draft.
 */
import type { Customization } from '../../../../../shared/domain/provision';
import type { CustomizationSpec } from '../../../../../shared/domain/spec';
import { splitKeyLines } from '../../specs/draft';
import type { CustomizationDraft, StepCheck, StepErrors, WizardFacts, WizardSecrets } from '../draft';
import { hasErrors, mergeErrors, requestErrors } from '../schema';
import type { z } from 'zod';

export type CustomizationValue = z.input<typeof Customization> | undefined;

const DEFAULTS = { hostnameTemplate: '{{.VMName}}', timezone: 'UTC', installAgent: false, sshKeys: [] };

export function initStep(): CustomizationDraft {
  return {
    specId: null,
    hostnameTemplate: DEFAULTS.hostnameTemplate,
    timezone: DEFAULTS.timezone,
    user: '',
    sshKeys: '',
    installAgent: DEFAULTS.installAgent,
    userData: '',
    userDataMode: 'merge',
    networkConfig: '',
  };
}

/** Choosing a spec (or none) shows its values in the override fields; the user's own fields stay. */
export function applySpec(d: CustomizationDraft, spec: CustomizationSpec | undefined): CustomizationDraft {
  const base = spec ?? null;
  return {
    ...d,
    specId: base?.id ?? null,
    hostnameTemplate: base?.hostnameTemplate ?? DEFAULTS.hostnameTemplate,
    timezone: base?.timezone ?? DEFAULTS.timezone,
    sshKeys: (base?.sshKeys ?? []).join('\n'),
    installAgent: base?.installAgent ?? DEFAULTS.installAgent,
  };
}

const FIELD: Readonly<Record<string, string>> = {
  'customization.specId': 'specId',
  'customization.hostname': 'hostnameTemplate',
  'customization.timezone': 'timezone',
  'customization.user': 'user',
  'customization.sshKeys': 'sshKeys',
  'customization.password': 'adminPassword',
  'customization.userData': 'userData',
  'customization.networkConfig': 'networkConfig',
};

function fieldOf(path: string): string | undefined {
  const key = /^customization\.sshKeys\.(\d+)$/.exec(path);
  if (key) return `sshKeys.${key[1]}`;
  return FIELD[path] ?? (path.startsWith('customization') ? 'customization' : undefined);
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function validateStep(
  d: CustomizationDraft,
  secrets: WizardSecrets,
  facts: WizardFacts,
  cloudInit: boolean,
): StepCheck<CustomizationValue> {
  // Without a cloud image there is no cloud-init: nothing here applies.
  if (!cloudInit) return { ok: true, errors: {}, value: undefined };
  const keys = splitKeyLines(d.sshKeys).map((k) => k.key);
  const user = d.user.trim();
  const full = {
    ...(d.specId !== null ? { specId: d.specId } : {}),
    hostname: d.hostnameTemplate,
    timezone: d.timezone,
    ...(user !== '' ? { user } : {}),
    sshKeys: keys,
    ...(secrets.password !== '' ? { password: secrets.password } : {}),
    installAgent: d.installAgent,
    ...(d.userData.trim() !== '' ? { userData: d.userData } : {}),
    userDataMode: d.userDataMode,
    ...(d.networkConfig.trim() !== '' ? { networkConfig: d.networkConfig } : {}),
  };
  const local: StepErrors = {};
  if (secrets.password !== secrets.passwordConfirm) local.adminPasswordConfirm = 'The passwords do not match';
  if (d.userDataMode === 'raw' && d.userData.trim() === '')
    local.userData = 'Raw mode uses this user-data exactly as given: write it, or merge instead';
  const errors = mergeErrors(requestErrors({ customization: full }, fieldOf), local);
  if (hasErrors(errors)) return { ok: false, errors };
  // The overrides are what differs from the spec: not known until the spec is loaded.
  if (d.specId !== null && facts.spec?.id !== d.specId) return { ok: false, errors };

  const base = facts.spec;
  const baseHostname = base?.hostnameTemplate ?? DEFAULTS.hostnameTemplate;
  const baseTimezone = base?.timezone ?? DEFAULTS.timezone;
  const baseAgent = base?.installAgent ?? DEFAULTS.installAgent;
  const baseKeys = base?.sshKeys ?? DEFAULTS.sshKeys;
  const value: z.input<typeof Customization> = {
    ...(d.specId !== null ? { specId: d.specId } : {}),
    ...(d.hostnameTemplate.trim() !== baseHostname ? { hostname: d.hostnameTemplate.trim() } : {}),
    ...(d.timezone.trim() !== baseTimezone ? { timezone: d.timezone.trim() } : {}),
    ...(user !== '' ? { user } : {}),
    ...(!sameList(keys, baseKeys) ? { sshKeys: keys } : {}),
    ...(secrets.password !== '' ? { password: secrets.password } : {}),
    ...(d.installAgent !== baseAgent ? { installAgent: d.installAgent } : {}),
    ...(d.userData.trim() !== '' ? { userData: d.userData } : {}),
    userDataMode: d.userDataMode,
    ...(d.networkConfig.trim() !== '' ? { networkConfig: d.networkConfig } : {}),
  };
  return { ok: true, errors, value };
}
