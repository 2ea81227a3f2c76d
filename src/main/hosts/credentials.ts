/** Turns a stored host record into a live driver: reads the key file, fetches secrets, picks the kind. */
import { readFileSync } from 'node:fs';
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
}

export interface DriverContext {
  readonly knownHosts: KnownHosts;
  /** Where a connection records a newly trusted key (default: knownHosts itself). */
  readonly trust?: HostKeyTrust;
  readonly secrets: SecretStore;
  readonly log?: (msg: string) => void;
}

function sshAuth(auth: StoredAuth, secrets: SecretStore): SshAuth {
  if (auth.method === 'key') {
    let privateKey: string;
    try {
      privateKey = readFileSync(auth.keyFile, 'utf8');
    } catch (err) {
      throw new AppError(
        'VALIDATION',
        `Cannot read the private key ${auth.keyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        'auth',
      );
    }
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
  if (spec.kind === 'libvirt') return new LibvirtDriver(spec.uri, ctx.log ? { log: ctx.log } : {});
  if (!spec.address || !spec.port || !spec.username || !spec.auth) {
    throw new AppError(
      'VALIDATION',
      'An SSH host needs an address, a port, a user and a way to authenticate',
    );
  }
  const conn = new SshConnection(
    { host: spec.address, port: spec.port, username: spec.username, auth: sshAuth(spec.auth, ctx.secrets) },
    acceptFingerprint
      ? { knownHosts: ctx.trust ?? ctx.knownHosts, acceptFingerprint }
      : { knownHosts: ctx.trust ?? ctx.knownHosts },
  );
  return new SshDriver(conn, spec.uri);
}
