import { z } from 'zod';

/**
 * Application settings kept in the inventory. The control-plane agent is what "install agent" puts into a
 * guest: it is fetched over HTTPS only and checked against this SHA-256 before it runs.
 */
export const AgentUrl = z
  .string()
  .trim()
  .max(2048, 'URL must be at most 2048 characters')
  .url('Not a URL')
  .refine((u) => u.startsWith('https://'), 'The agent is downloaded over HTTPS only (https://…)');

export const Sha256 = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, 'A SHA-256 checksum is 64 hexadecimal digits');

export const AppSettings = z.strictObject({
  agent: z
    .strictObject({
      url: AgentUrl,
      sha256: Sha256,
    })
    .nullable()
    .optional(),
});

export interface AppSettingsValue {
  /** null: not configured, so "install agent" is refused. */
  readonly agent: { readonly url: string; readonly sha256: string } | null;
}
