/**
 * The spec form's draft (what the fields hold, as text) and its conversion to a `specs.create` or
 * `specs.update` input, validated with the very schemas main parses the input with.
 */
import { fieldErrors } from '../../../../shared/domain/names';
import {
  SpecCreateInput,
  SpecUpdateInput,
  type CustomizationSpec,
  type OsFamily,
  type SpecCreate,
  type SpecUpdate,
} from '../../../../shared/domain/spec';

export interface SpecDraft {
  name: string;
  description: string;
  osFamily: OsFamily;
  timezone: string;
  hostnameTemplate: string;
  installAgent: boolean;
  /** One public key per line; blank lines are ignored. */
  sshKeys: string;
  adminPassword: string;
  adminPasswordConfirm: string;
  /** Edit only: clear the stored password. */
  removePassword: boolean;
  /** One `key=value` per line; blank lines are ignored. */
  labels: string;
  userData: string;
  metaData: string;
  networkConfig: string;
}

export type FormMode = { kind: 'create' } | { kind: 'edit'; spec: CustomizationSpec };

/** Field → message; keys are input paths such as `name`, `sshKeys.1`, `labels`, `adminPasswordConfirm`. */
export type FormErrors = Record<string, string>;

export const EMPTY_DRAFT: SpecDraft = {
  name: '',
  description: '',
  osFamily: 'linux',
  timezone: 'UTC',
  hostnameTemplate: '{{.VMName}}',
  installAgent: false,
  sshKeys: '',
  adminPassword: '',
  adminPasswordConfirm: '',
  removePassword: false,
  labels: '',
  userData: '',
  metaData: '',
  networkConfig: '',
};

export function draftFromSpec(spec: CustomizationSpec): SpecDraft {
  return {
    name: spec.name,
    description: spec.description,
    osFamily: spec.osFamily,
    timezone: spec.timezone,
    hostnameTemplate: spec.hostnameTemplate,
    installAgent: spec.installAgent,
    sshKeys: spec.sshKeys.join('\n'),
    // The password is never sent back to the renderer: blank means "keep it".
    adminPassword: '',
    adminPasswordConfirm: '',
    removePassword: false,
    labels: Object.entries(spec.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    userData: spec.userData,
    metaData: spec.metaData,
    networkConfig: spec.networkConfig,
  };
}

export interface KeyLine {
  readonly key: string;
  /** 1-based line in the text area. */
  readonly line: number;
}

/** The non-blank lines of the SSH keys text area, with their line numbers. */
export function splitKeyLines(text: string): KeyLine[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ key: raw.trim(), line: i + 1 }))
    .filter((k) => k.key !== '');
}

export function parseLabels(text: string): { labels: Record<string, string>; error?: string } {
  const labels: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { labels, error: `Line ${i + 1}: write each label as key=value` };
    const key = line.slice(0, eq).trim();
    if (Object.hasOwn(labels, key))
      return { labels, error: `Line ${i + 1}: the label "${key}" is already set` };
    labels[key] = line.slice(eq + 1).trim();
  }
  return { labels };
}

interface Issue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly issues?: readonly Issue[];
}

/** A record key that fails its schema is reported as "Invalid key in record"; show the key's own error. */
function explain(issues: readonly Issue[]): Issue[] {
  return issues.map((issue) => {
    const inner = issue.code === 'invalid_key' ? issue.issues?.[0] : undefined;
    if (inner === undefined) return issue;
    const key = String(issue.path[issue.path.length - 1] ?? '');
    return { path: issue.path, message: `"${key}": ${inner.message}` };
  });
}

const FORM_FIELDS = new Set([
  'name',
  'description',
  'osFamily',
  'timezone',
  'hostnameTemplate',
  'installAgent',
  'sshKeys',
  'adminPassword',
  'adminPasswordConfirm',
  'labels',
  'userData',
  'metaData',
  'networkConfig',
]);

/** The form field that shows an error for this input path, if any (`sshKeys.2` stays per key). */
export function formFieldFor(path: string): string | undefined {
  if (/^sshKeys\.\d+$/.test(path)) return path;
  const head = path.split('.')[0] ?? '';
  return FORM_FIELDS.has(head) ? head : undefined;
}

/** Every zod issue under `labels` is shown on the one labels field. */
function normalisePaths(errors: FormErrors): FormErrors {
  const out: FormErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const key = path.startsWith('labels.') ? 'labels' : path;
    if (!(key in out)) out[key] = message;
  }
  return out;
}

export type DraftCheck =
  | { ok: true; input: SpecCreate; kind: 'create' }
  | { ok: true; input: SpecUpdate; kind: 'update' }
  | { ok: false; errors: FormErrors };

export function checkDraft(draft: SpecDraft, mode: FormMode, project: { projectId?: string }): DraftCheck {
  const local: FormErrors = {};
  const labels = parseLabels(draft.labels);
  if (labels.error !== undefined) local.labels = labels.error;

  const fields = {
    name: draft.name,
    description: draft.description,
    osFamily: draft.osFamily,
    timezone: draft.timezone,
    hostnameTemplate: draft.hostnameTemplate,
    installAgent: draft.installAgent,
    userData: draft.userData,
    metaData: draft.metaData,
    networkConfig: draft.networkConfig,
    sshKeys: splitKeyLines(draft.sshKeys).map((k) => k.key),
    labels: labels.labels,
  };

  const settingPassword = !(mode.kind === 'edit' && draft.removePassword) && draft.adminPassword !== '';
  if (settingPassword && draft.adminPassword !== draft.adminPasswordConfirm) {
    local.adminPasswordConfirm = 'The passwords do not match';
  }

  if (mode.kind === 'create') {
    const input: SpecCreate = {
      ...project,
      ...fields,
      ...(settingPassword ? { adminPassword: draft.adminPassword } : {}),
    };
    const parsed = SpecCreateInput.safeParse(input);
    const errors = {
      ...(parsed.success ? {} : normalisePaths(fieldErrors(explain(parsed.error.issues)))),
      ...local,
    };
    return Object.keys(errors).length === 0 ? { ok: true, input, kind: 'create' } : { ok: false, errors };
  }

  const password = draft.removePassword
    ? { adminPassword: null }
    : settingPassword
      ? { adminPassword: draft.adminPassword }
      : {};
  const input: SpecUpdate = { id: mode.spec.id, ...fields, ...password };
  const parsed = SpecUpdateInput.safeParse(input);
  const errors = {
    ...(parsed.success ? {} : normalisePaths(fieldErrors(explain(parsed.error.issues)))),
    ...local,
  };
  return Object.keys(errors).length === 0 ? { ok: true, input, kind: 'update' } : { ok: false, errors };
}
