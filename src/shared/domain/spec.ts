import { z } from 'zod';
import { checkMetaData, checkNetworkConfig, checkUserData } from './cloud-config';
import { parseHostnameTemplate, renderHostname, SAMPLE_HOSTNAME_CONTEXT } from './hostname-template';
import { CONTROL_CHARS, DisplayName, Id, ProjectRef, TEXT_CONTROL_CHARS } from './names';
import { formatSshKey, parseSshPublicKey } from './ssh-keys';
import { isValidTimeZone } from './timezone';

export const OS_FAMILIES = ['linux', 'windows'] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];

export const MAX_DOCUMENT_BYTES = 65536;

export interface CustomizationSpec {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  readonly osFamily: OsFamily;
  readonly timezone: string;
  readonly hostnameTemplate: string;
  readonly installAgent: boolean;
  readonly userData: string;
  readonly metaData: string;
  readonly networkConfig: string;
  readonly sshKeys: readonly string[];
  /** Only whether a password is set: the hash never leaves main, the plaintext is never kept. */
  readonly adminPasswordSet: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const Description = z
  .string()
  .max(1024, 'Description must be at most 1024 characters')
  .refine((s) => !TEXT_CONTROL_CHARS.test(s), 'Description may not contain control characters');

export const Timezone = z
  .string()
  .trim()
  .refine(isValidTimeZone, { message: 'Not a known IANA time zone (for example "Europe/Berlin" or "UTC")' });

export const HostnameTemplate = z
  .string()
  .trim()
  .superRefine((tpl, ctx) => {
    const parsed = parseHostnameTemplate(tpl);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return;
    }
    const sample = renderHostname(tpl, SAMPLE_HOSTNAME_CONTEXT);
    if (!sample.ok) ctx.addIssue({ code: 'custom', message: sample.reason });
  });

function document(check: (text: string) => { ok: true } | { ok: false; reason: string }) {
  return z
    .string()
    .max(MAX_DOCUMENT_BYTES, `Must be at most ${MAX_DOCUMENT_BYTES} characters`)
    .superRefine((text, ctx) => {
      const r = check(text);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
    });
}

export const UserData = document(checkUserData);
export const MetaData = document(checkMetaData);
export const NetworkConfig = document(checkNetworkConfig);

/** Validates each key, normalises it to `type blob comment`, refuses the same key twice. */
export const SshKeys = z
  .array(z.string().max(16384, 'A key must be at most 16384 characters'))
  .max(100, 'At most 100 SSH keys')
  .transform((lines, ctx) => {
    const out: string[] = [];
    const seen = new Map<string, number>();
    lines.forEach((line, i) => {
      const r = parseSshPublicKey(line);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.reason, path: [i] });
        return;
      }
      const identity = `${r.key.type} ${r.key.blob}`;
      const first = seen.get(identity);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `The same key is already listed as key ${first + 1}`,
          path: [i],
        });
        return;
      }
      seen.set(identity, i);
      out.push(formatSshKey(r.key));
    });
    return out;
  });

export const AdminPassword = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(256, 'Password must be at most 256 characters')
  .refine((s) => !CONTROL_CHARS.test(s), 'Password may not contain control characters');

const LABEL_KEY_RE = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const LABEL_VALUE_RE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
export const Labels = z
  .record(
    z.string().regex(LABEL_KEY_RE, 'Label keys are lowercase letters, digits, ".", "_" and "-" (at most 63)'),
    z.string().regex(LABEL_VALUE_RE, 'Label values are letters, digits, ".", "_" and "-" (at most 63)'),
  )
  .refine((r) => Object.keys(r).length <= 64, 'At most 64 labels');

/** The editable fields, each with its default. Shared by create, update and the renderer's form. */
export const SpecFields = z.strictObject({
  name: DisplayName,
  description: Description.default(''),
  osFamily: z.enum(OS_FAMILIES, { message: 'Choose linux or windows' }).default('linux'),
  timezone: Timezone.default('UTC'),
  hostnameTemplate: HostnameTemplate.default('{{.VMName}}'),
  installAgent: z.boolean().default(false),
  userData: UserData.default(''),
  metaData: MetaData.default(''),
  networkConfig: NetworkConfig.default(''),
  sshKeys: SshKeys.default([]),
  labels: Labels.default({}),
});

export const SpecCreateInput = SpecFields.extend({
  projectId: ProjectRef,
  adminPassword: AdminPassword.optional(),
});

export const SpecUpdateInput = z.strictObject({
  id: Id,
  name: DisplayName.optional(),
  description: Description.optional(),
  osFamily: z.enum(OS_FAMILIES, { message: 'Choose linux or windows' }).optional(),
  timezone: Timezone.optional(),
  hostnameTemplate: HostnameTemplate.optional(),
  installAgent: z.boolean().optional(),
  userData: UserData.optional(),
  metaData: MetaData.optional(),
  networkConfig: NetworkConfig.optional(),
  sshKeys: SshKeys.optional(),
  labels: Labels.optional(),
  /** Omitted: keep the current password. null: remove it. A string: replace it. */
  adminPassword: AdminPassword.nullable().optional(),
});

export const SpecListInput = z.strictObject({ projectId: ProjectRef });
export const SpecGetInput = z.strictObject({ id: Id });
export const SpecDeleteInput = z.strictObject({ id: Id });
export const SpecDuplicateInput = z.strictObject({ id: Id, name: DisplayName });

export type SpecCreate = z.input<typeof SpecCreateInput>;
export type SpecUpdate = z.input<typeof SpecUpdateInput>;
