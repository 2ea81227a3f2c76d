import { z } from 'zod';

// C0 and C1 control characters and DEL: never valid in a name shown to people or written to XML/YAML.
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
/** Control characters other than tab, newline and carriage return: never valid in free text. */
// eslint-disable-next-line no-control-regex
export const TEXT_CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const Id = z.guid({ message: 'Must be an id' });

/** "", "default" or an id; "" and "default" mean the default project. */
export const ProjectRef = z.string().max(64).optional();

export const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';

export const FolderName = z
  .string({ message: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(255, 'Name must be at most 255 characters')
  .refine((s) => !s.includes('/'), 'Name may not contain "/"')
  .refine((s) => s !== '.' && s !== '..', 'Name may not be "." or ".."')
  .refine((s) => !CONTROL_CHARS.test(s), 'Name may not contain control characters');

export const DisplayName = z
  .string({ message: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(80, 'Name must be at most 80 characters')
  .refine((s) => !CONTROL_CHARS.test(s), 'Name may not contain control characters');

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly issues?: readonly { readonly message: string }[];
}

/**
 * The message a person should read for one zod issue. zod reports a bad record key as "Invalid key in
 * record" and keeps the key schema's own message inside; that inner message is the useful one.
 */
export function issueMessage(issue: IssueLike): string {
  if (issue.code === 'invalid_key' && issue.issues?.[0]) return issue.issues[0].message;
  return issue.message;
}

/** Maps zod issues to a field → message map (first message per field), as forms show them. */
export function fieldErrors(issues: readonly IssueLike[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (!(key in out)) out[key] = issueMessage(issue);
  }
  return out;
}
