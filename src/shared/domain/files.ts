/**
 * Files on the workstation chosen in the window. The renderer never names a path: main opens the file dialog
 * itself and hands back an opaque token, which the channels that read a workstation file (an image to
 * upload, a private key, an agent socket) take in place of the path. The CLI keeps taking paths.
 */
import { z } from 'zod';

export const FILE_PURPOSES = ['image', 'ssh-key', 'agent-socket'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const FilePickInput = z.strictObject({
  purpose: z.enum(FILE_PURPOSES, { message: `Purpose must be one of ${FILE_PURPOSES.join(', ')}` }),
});

/** What the dialog chose: its token, and what the window may show of it. Null when the dialog was cancelled. */
export type PickedFile = {
  readonly token: string;
  /** The file's name (its last path component), for display. */
  readonly name: string;
  readonly sizeBytes: number | null;
} | null;

const TOKEN = /^qhci-file:[A-Za-z0-9_-]{22}$/;

export function isFileToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}
