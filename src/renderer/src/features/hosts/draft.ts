/**
 * The host form's draft (what the fields hold, as text) and its conversion to `hosts.test`, `hosts.add`
 * and `hosts.update` inputs, validated with the very schemas main parses them with.
 */
import { sshKeyEndpoint } from '../../../../shared/domain/libvirt-uri';
import type { z } from 'zod';
import type { AppError } from '../../../../shared/domain/errors';
import {
  HostAddInput,
  HostConnectionInput,
  HostUpdateInput,
  type HostKind,
  type HostSummary,
} from '../../../../shared/domain/host';
import { fieldErrors } from '../../../../shared/domain/names';

export type AuthMethod = 'key' | 'agent' | 'password';

export interface HostDraft {
  kind: HostKind;
  name: string;
  /** libvirt kind: the URI this workstation connects to. */
  uri: string;
  address: string;
  port: string;
  user: string;
  authMethod: AuthMethod;
  /** The token of the key file chosen in main's file dialog (the window never holds its path). */
  keyFile: string;
  /** The chosen key file's name, for display. */
  keyFileName: string;
  passphrase: string;
  /** The token of an agent socket chosen in the file dialog; empty: SSH_AUTH_SOCK. */
  agentSocket: string;
  agentSocketName: string;
  password: string;
  /** SSH kind: the URI virsh uses on the host. */
  remoteUri: string;
  /** SSH kind: the user agrees to SHA-1 algorithms for this old host. */
  allowSha1: boolean;
}

export type HostField = keyof HostDraft;
export type FormErrors = Partial<Record<HostField, string>>;

export type FormMode = { kind: 'add' } | { kind: 'edit'; host: HostSummary };

export const DEFAULT_REMOTE_URI = 'qemu:///system';

export const EMPTY_DRAFT: HostDraft = {
  kind: 'ssh',
  name: '',
  uri: DEFAULT_REMOTE_URI,
  address: '',
  port: '22',
  user: 'root',
  authMethod: 'key',
  keyFile: '',
  keyFileName: '',
  passphrase: '',
  agentSocket: '',
  agentSocketName: '',
  password: '',
  remoteUri: DEFAULT_REMOTE_URI,
  allowSha1: false,
};

/**
 * The draft of a saved host. Secrets are never sent back to the renderer, and the summary does not name the
 * key file or agent socket, so those fields start blank: they are only needed when the connection changes.
 */
export function draftFromHost(h: HostSummary): HostDraft {
  if (h.kind === 'libvirt') return { ...EMPTY_DRAFT, kind: 'libvirt', name: h.name, uri: h.uri };
  return {
    ...EMPTY_DRAFT,
    kind: 'ssh',
    name: h.name,
    address: h.address ?? '',
    port: String(h.port ?? 22),
    user: h.user ?? '',
    authMethod: h.authMethod ?? 'key',
    remoteUri: h.uri,
    allowSha1: h.allowSha1,
  };
}

/** The fields that make up the connection (everything but the name). */
const CONNECTION_FIELDS: readonly HostField[] = [
  'kind',
  'uri',
  'address',
  'port',
  'user',
  'authMethod',
  'keyFile',
  'passphrase',
  'agentSocket',
  'password',
  'remoteUri',
  'allowSha1',
];

export function connectionChanged(a: HostDraft, b: HostDraft): boolean {
  return CONNECTION_FIELDS.some((f) => a[f] !== b[f]);
}

/** Where an SSH host key is checked: the address and port, as the probe and known_hosts see them. */
/**
 * The SSH server whose host key the connection meets: an SSH host's address, or the host of a libvirt URI
 * that goes over ssh or libssh (libvirt's own SSH client then meets it, pinned to the key trusted here).
 */
export function keyAddress(d: HostDraft): { address: string; port: number; allowSha1?: boolean } | null {
  if (d.kind === 'ssh') {
    const at = { address: d.address.trim(), port: portNumber(d.port) };
    return d.allowSha1 ? { ...at, allowSha1: true } : at;
  }
  return sshKeyEndpoint({ kind: 'libvirt', uri: d.uri.trim(), address: null, port: null });
}

export function keyTarget(d: HostDraft): string | null {
  if (d.kind === 'ssh') return `${d.address.trim()}:${d.port.trim()}`;
  const a = keyAddress(d);
  return a ? `${a.address}:${a.port}` : null;
}

type ConnectionInput = z.input<typeof HostConnectionInput>;

function portNumber(text: string): number {
  const t = text.trim();
  return /^\d{1,5}$/.test(t) ? Number(t) : 0;
}

export function connectionOf(d: HostDraft): ConnectionInput {
  if (d.kind === 'libvirt') return { kind: 'libvirt', uri: d.uri };
  const auth =
    d.authMethod === 'key'
      ? {
          method: 'key' as const,
          keyFile: d.keyFile,
          ...(d.passphrase ? { passphrase: d.passphrase } : {}),
        }
      : d.authMethod === 'agent'
        ? { method: 'agent' as const, ...(d.agentSocket ? { socket: d.agentSocket } : {}) }
        : { method: 'password' as const, password: d.password };
  return {
    kind: 'ssh',
    address: d.address,
    port: portNumber(d.port),
    user: d.user,
    auth,
    uri: d.remoteUri,
    ...(d.allowSha1 ? { allowSha1: true } : {}),
  };
}

/** The form field that shows an error for an input path (as zod or main's AppError.field name it). */
export function formFieldFor(path: string, d: HostDraft): HostField | undefined {
  const p = path.replace(/^connection\./, '');
  switch (p) {
    case 'name':
      return 'name';
    case 'kind':
      return 'kind';
    case 'uri':
      return d.kind === 'libvirt' ? 'uri' : 'remoteUri';
    case 'address':
      return 'address';
    case 'port':
      return 'port';
    case 'user':
      return 'user';
    case 'auth.method':
      return 'authMethod';
    case 'auth.keyFile':
      return 'keyFile';
    case 'auth.passphrase':
      return 'passphrase';
    case 'auth.socket':
      return 'agentSocket';
    case 'auth.password':
      return 'password';
    case 'auth':
      // Main names the whole auth block when it cannot use it (unreadable key, no agent, ...).
      return d.authMethod === 'key' ? 'keyFile' : d.authMethod === 'password' ? 'password' : 'agentSocket';
    default:
      return undefined;
  }
}

function toFormErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[], d: HostDraft) {
  const out: FormErrors = {};
  for (const [path, message] of Object.entries(fieldErrors(issues))) {
    const field = formFieldFor(path, d);
    if (field !== undefined && out[field] === undefined) out[field] = message;
  }
  return out;
}

function localErrors(d: HostDraft): FormErrors {
  if (d.kind !== 'ssh') return {};
  const port = d.port.trim();
  const n = Number(port);
  return /^\d{1,5}$/.test(port) && n >= 1 && n <= 65535 ? {} : { port: 'Port must be 1-65535' };
}

export type Check<T> = { ok: true; input: T } | { ok: false; errors: FormErrors };

/** The connection alone (Test connection). */
export function checkConnection(d: HostDraft): Check<ConnectionInput> {
  const connection = connectionOf(d);
  const parsed = HostConnectionInput.safeParse(connection);
  const errors = { ...(parsed.success ? {} : toFormErrors(parsed.error.issues, d)), ...localErrors(d) };
  return Object.keys(errors).length === 0 ? { ok: true, input: connection } : { ok: false, errors };
}

export type SaveInput =
  | { kind: 'add'; input: z.input<typeof HostAddInput> }
  | { kind: 'update'; input: z.input<typeof HostUpdateInput>; withConnection: boolean };

/**
 * What Save sends. Editing without touching the connection sends the name only; otherwise the whole
 * connection goes (main connects with it before it saves).
 */
export function checkSave(
  d: HostDraft,
  mode: FormMode,
  initial: HostDraft,
  project: { projectId?: string },
): Check<SaveInput> {
  if (mode.kind === 'add') {
    const input = { ...project, name: d.name, connection: connectionOf(d) };
    const parsed = HostAddInput.safeParse(input);
    const errors = { ...(parsed.success ? {} : toFormErrors(parsed.error.issues, d)), ...localErrors(d) };
    return Object.keys(errors).length === 0
      ? { ok: true, input: { kind: 'add', input } }
      : { ok: false, errors };
  }
  const withConnection = connectionChanged(d, initial);
  const input = {
    id: mode.host.id,
    name: d.name,
    ...(withConnection ? { connection: connectionOf(d) } : {}),
  };
  const parsed = HostUpdateInput.safeParse(input);
  const errors = {
    ...(parsed.success ? {} : toFormErrors(parsed.error.issues, d)),
    ...(withConnection ? localErrors(d) : {}),
  };
  return Object.keys(errors).length === 0
    ? { ok: true, input: { kind: 'update', input, withConnection } }
    : { ok: false, errors };
}

/** The field an error from main belongs on, if the form shows it. */
export function serverFieldOf(err: AppError | undefined, d: HostDraft): HostField | undefined {
  if (err?.field === undefined) return undefined;
  return formFieldFor(err.field, d);
}
