/** Turns a stored host record into a live driver: reads the key file, fetches secrets, picks the kind. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { AppError } from '../../shared/domain/errors';
import type { HostKind, StoredAuth } from '../../shared/domain/host';
import type { HostDriver } from './driver';
import { LibvirtDriver } from './drivers/libvirt';
import { SshDriver } from './drivers/ssh';
import type { HostKeyTrust, KnownHosts } from './known-hosts';
import type { SecretStore } from './secrets';
import { SshConnection, type SshAuth } from './ssh-connection';

export interface DriverSpec {
  readonly kind: HostKind;
  readonly uri: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly username: string | null;
  readonly auth: StoredAuth | null;
  /** SSH hosts: the user agreed to SHA-1 algorithms for this old host. */
  readonly allowSha1?: boolean;
}

export interface DriverContext {
  readonly knownHosts: KnownHosts;
  /** Where a connection records a newly trusted key (default: knownHosts itself). */
  readonly trust?: HostKeyTrust;
  readonly secrets: SecretStore;
  readonly log?: (msg: string) => void;
  /** How long an SSH host may take to answer a connection (TCP, handshake, login; default 15 s). */
  readonly connectTimeoutMs?: number;
}

/** Private keys are small; anything bigger (or /dev/zero, a FIFO, a directory) is not one. */
export const MAX_PRIVATE_KEY_BYTES = 64 * 1024;

/** Reads a private key file: a regular file of at most MAX_PRIVATE_KEY_BYTES, never a device or a pipe. */
export function readPrivateKey(path: string): string {
  const refuse = (why: string) =>
    new AppError('VALIDATION', `Cannot read the private key ${path}: ${why}`, 'auth');
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO cannot hang the process before fstat says what it is.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw refuse((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse('not a regular file');
    if (st.size > MAX_PRIVATE_KEY_BYTES) throw refuse(`${st.size} bytes is too big for a key`);
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function sshAuth(auth: StoredAuth, secrets: SecretStore): SshAuth {
  if (auth.method === 'key') {
    const privateKey = readPrivateKey(auth.keyFile);
    const passphrase = auth.passphraseRef ? secrets.get(auth.passphraseRef) : undefined;
    return passphrase === undefined
      ? { method: 'key', privateKey }
      : { method: 'key', privateKey, passphrase };
  }
  if (auth.method === 'agent') {
    const socket = auth.socket ?? process.env.SSH_AUTH_SOCK;
    if (!socket)
      throw new AppError('VALIDATION', 'No ssh-agent is running (SSH_AUTH_SOCK is not set)', 'auth');
    return { method: 'agent', socket };
  }
  const password = secrets.get(auth.passwordRef);
  if (password === undefined)
    throw new AppError('VALIDATION', 'The saved password is missing; enter it again', 'auth');
  return { method: 'password', password };
}

export function createDriver(spec: DriverSpec, ctx: DriverContext, acceptFingerprint?: string): HostDriver {
  if (spec.kind === 'libvirt') {
    // An ssh or libssh URI has its host key checked like an SSH host's (trust on first use).
    const trust = ctx.trust ?? ctx.knownHosts;
    const hostKeys = acceptFingerprint ? { trust, acceptFingerprint } : { trust };
    return new LibvirtDriver(spec.uri, ctx.log ? { log: ctx.log, hostKeys } : { hostKeys });
  }
  if (!spec.address || !spec.port || !spec.username || !spec.auth) {
    throw new AppError(
      'VALIDATION',
      'An SSH host needs an address, a port, a user and a way to authenticate',
    );
  }
  const conn = new SshConnection(
    { host: spec.address, port: spec.port, username: spec.username, auth: sshAuth(spec.auth, ctx.secrets) },
    {
      knownHosts: ctx.trust ?? ctx.knownHosts,
      allowSha1: spec.allowSha1 === true,
      ...(acceptFingerprint ? { acceptFingerprint } : {}),
      ...(ctx.connectTimeoutMs ? { readyTimeoutMs: ctx.connectTimeoutMs } : {}),
    },
  );
  return new SshDriver(conn, spec.uri);
}
