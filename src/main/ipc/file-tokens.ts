/**
 * Workstation paths never come from the window. Main's own file dialog picks a file and this table hands
 * the window an opaque token for it, bound to one purpose; calls from the window carry the token where a
 * path goes, and only here does it turn back into the path, after the file is checked again (a regular file
 * for an image or a key, a socket for an agent). A path typed into the window is refused.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/domain/errors';
import { isFileToken, type FilePurpose, type PickedFile } from '../../shared/domain/files';
import type { Dispatch } from './dispatch';

/** The dialog: resolves with the chosen absolute path, or null when cancelled. */
export type FilePicker = (purpose: FilePurpose) => Promise<string | null>;

/** Where, in each channel's input, a workstation path goes. */
const PATH_FIELDS: Readonly<Record<string, readonly (readonly [string[], FilePurpose])[]>> = {
  'images.upload': [[['sourcePath'], 'image']],
  'hosts.test': [
    [['connection', 'auth', 'keyFile'], 'ssh-key'],
    [['connection', 'auth', 'socket'], 'agent-socket'],
  ],
  'hosts.add': [
    [['connection', 'auth', 'keyFile'], 'ssh-key'],
    [['connection', 'auth', 'socket'], 'agent-socket'],
  ],
  'hosts.update': [
    [['connection', 'auth', 'keyFile'], 'ssh-key'],
    [['connection', 'auth', 'socket'], 'agent-socket'],
  ],
};

function kindOk(path: string, purpose: FilePurpose): { ok: true; size: number | null } | { ok: false } {
  try {
    const st = statSync(path);
    if (purpose === 'agent-socket') return st.isSocket() ? { ok: true, size: null } : { ok: false };
    return st.isFile() ? { ok: true, size: st.size } : { ok: false };
  } catch {
    return { ok: false };
  }
}

const WHAT: Readonly<Record<FilePurpose, string>> = {
  image: 'a regular file',
  'ssh-key': 'a regular file',
  'agent-socket': 'a socket',
};

export function createFileTokens(picker: FilePicker | null) {
  const issued = new Map<string, { path: string; purpose: FilePurpose }>();

  function resolve(token: string, purpose: FilePurpose, field: string): string {
    const entry = issued.get(token);
    if (!entry || entry.purpose !== purpose) {
      throw new AppError('VALIDATION', 'That file choice is not known (choose the file again)', field);
    }
    if (!kindOk(entry.path, purpose).ok) {
      throw new AppError('VALIDATION', `${basename(entry.path)} is no longer ${WHAT[purpose]}`, field);
    }
    return entry.path;
  }

  /** The input with every token at a path field replaced by its path; a raw path there is refused. */
  function substitute(channel: string, input: unknown): unknown {
    let out = input;
    for (const [at, purpose] of PATH_FIELDS[channel] ?? []) {
      const parents: Record<string, unknown>[] = [];
      let node: unknown = out;
      for (const key of at.slice(0, -1)) {
        if (node === null || typeof node !== 'object') break;
        parents.push(node as Record<string, unknown>);
        node = (node as Record<string, unknown>)[key];
      }
      if (node === null || typeof node !== 'object' || parents.length !== at.length - 1) continue;
      const leaf = at[at.length - 1]!;
      const value = (node as Record<string, unknown>)[leaf];
      if (value === undefined) continue;
      const field = at.join('.');
      if (!isFileToken(value)) {
        throw new AppError(
          'VALIDATION',
          'Choose the file with the file dialog: the window cannot name paths',
          field,
        );
      }
      // Copy along the path (the caller's object is never changed), then set the path.
      let copy: Record<string, unknown> = {
        ...(node as Record<string, unknown>),
        [leaf]: resolve(value, purpose, field),
      };
      for (let i = parents.length - 1; i >= 0; i--) copy = { ...parents[i]!, [at[i]!]: copy };
      out = copy;
    }
    return out;
  }

  return {
    /** Opens the dialog; the chosen file (checked for its purpose) gets a token. */
    async pick(purpose: FilePurpose): Promise<PickedFile> {
      if (!picker) throw new AppError('UNSUPPORTED', 'There is no file dialog here: give the path instead');
      const path = await picker(purpose);
      if (path === null) return null;
      const kind = kindOk(path, purpose);
      if (!kind.ok) throw new AppError('VALIDATION', `${basename(path)} is not ${WHAT[purpose]}`, 'purpose');
      const token = `qhci-file:${randomBytes(16).toString('base64url').slice(0, 22)}`;
      issued.set(token, { path, purpose });
      return { token, name: basename(path), sizeBytes: kind.size };
    },

    /** The dispatch the window's calls go through: paths only as tokens, turned back into paths here. */
    forWindow(dispatch: Dispatch): Dispatch {
      return async (channel, input) => {
        try {
          return await dispatch(channel, typeof channel === 'string' ? substitute(channel, input) : input);
        } catch (err) {
          if (err instanceof AppError) return { ok: false, error: err.toData() };
          throw err;
        }
      };
    },
  };
}

export type FileTokens = ReturnType<typeof createFileTokens>;
