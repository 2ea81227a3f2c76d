/**
 * Trust on first use for SSH host keys, kept in an OpenSSH-format known_hosts file in the app's data
 * directory (`[host]:port type base64`), readable by ssh and libvirt's libssh transport alike.
 * A key that differs from the trusted one is refused; verification is never switched off.
 * A key on an `@revoked` line is refused for the hosts that line names, even if another line trusts it.
 * Host patterns follow OpenSSH: hashed entries, `*` and `?` wildcards, and `!` negations.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/domain/errors';

/** The `ssh-keygen -lf` form: SHA256: and unpadded base64 of the key blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public-key blob. */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export type KeyCheck =
  | { status: 'trusted'; fingerprint: string }
  | { status: 'unknown'; fingerprint: string; keyType: string }
  | {
      status: 'changed';
      fingerprint: string;
      keyType: string;
      trusted: string[];
      /** The presented key is on an `@revoked` line: never accepted, whatever else the file says. */
      revoked?: true;
    };

interface Entry {
  readonly marker: 'revoked' | null;
  readonly patterns: string;
  readonly keyType: string;
  readonly blob: Buffer;
}

/** OpenSSH's wildcard match: `*` any run of characters, `?` any one. */
function wildcardMatch(pattern: string, text: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(text);
}

function matchOne(p: string, target: string, wildcards: boolean): boolean {
  if (p.startsWith('|1|')) {
    // Hashed entry: |1|base64(salt)|base64(HMAC-SHA1(salt, host))
    const [, , salt, hash] = p.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(target).digest('base64');
    return mac === hash;
  }
  return wildcards && /[*?]/.test(p) ? wildcardMatch(p, target) : p === target;
}

/**
 * Whether a line's comma-separated patterns name target: some pattern matches and no `!` pattern does.
 * Without wildcards (forget), only a line naming the host itself counts.
 */
function matchesPattern(patterns: string, target: string, wildcards = true): boolean {
  let hit = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (matchOne(p.slice(1), target, wildcards)) return false;
    } else if (matchOne(p, target, wildcards)) hit = true;
  }
  return hit;
}

/** The part of KnownHosts a connection uses. */
export interface HostKeyTrust {
  check(host: string, port: number, blob: Buffer): KeyCheck;
  trust(host: string, port: number, blob: Buffer): void;
}

export class KnownHosts implements HostKeyTrust {
  constructor(readonly file: string) {}

  /**
   * A view that reads this file but keeps new trust in memory until commit(): a connection test, or a new
   * host until it is saved, must not leave a key trusted behind it.
   */
  staged(): StagedKnownHosts {
    return new StagedKnownHosts(this);
  }

  private read(): { lines: string[]; entries: Entry[] } {
    if (!existsSync(this.file)) return { lines: [], entries: [] };
    const lines = readFileSync(this.file, 'utf8').split('\n');
    const entries: Entry[] = [];
    for (const line of lines) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const fields = t.split(/\s+/);
      // @revoked keys are refused; @cert-authority lines (host certificates) are not supported and ignored.
      let marker: Entry['marker'] = null;
      if (fields[0]?.startsWith('@')) {
        if (fields[0] !== '@revoked') continue;
        marker = 'revoked';
        fields.shift();
      }
      const [patterns, keyType, data] = fields;
      if (!patterns || !keyType || !data) continue;
      entries.push({ marker, patterns, keyType, blob: Buffer.from(data, 'base64') });
    }
    return { lines, entries };
  }

  /** Compares the key a host presented with the trusted keys for that host and port. */
  check(host: string, port: number, blob: Buffer): KeyCheck {
    const target = hostPattern(host, port);
    const keyType = blobKeyType(blob);
    const fp = fingerprint(blob);
    const named = this.read().entries.filter((e) => matchesPattern(e.patterns, target));
    const mine = named.filter((e) => e.marker === null);
    if (named.some((e) => e.marker === 'revoked' && e.blob.equals(blob))) {
      return {
        status: 'changed',
        fingerprint: fp,
        keyType,
        trusted: mine.filter((e) => !e.blob.equals(blob)).map((e) => fingerprint(e.blob)),
        revoked: true,
      };
    }
    if (mine.some((e) => e.blob.equals(blob))) return { status: 'trusted', fingerprint: fp };
    // Only a key of the same type replaces a trusted one; a host may legitimately offer several types,
    // but ssh2 negotiates one, and any key we have not seen for a known host is treated as changed.
    if (mine.length > 0)
      return { status: 'changed', fingerprint: fp, keyType, trusted: mine.map((e) => fingerprint(e.blob)) };
    return { status: 'unknown', fingerprint: fp, keyType };
  }

  /** Records a key as trusted for host:port (after the user accepted its fingerprint). */
  trust(host: string, port: number, blob: Buffer): void {
    const target = hostPattern(host, port);
    const { lines } = this.read();
    const kept = lines.filter((l) => l.trim() !== '');
    kept.push(`${target} ${blobKeyType(blob)} ${blob.toString('base64')}`);
    this.write(kept);
  }

  /**
   * Forgets every key of host:port (when a host is removed, or the user accepts a rebuilt host). Lines
   * that name other hosts too by wildcard, and `@revoked` lines, stay.
   */
  forget(host: string, port: number): void {
    const target = hostPattern(host, port);
    const { lines } = this.read();
    this.write(
      lines.filter((l) => {
        const patterns = l.trim().split(/\s+/)[0] ?? '';
        return (
          l.trim() !== '' && !(patterns && !/^[#@]/.test(patterns) && matchesPattern(patterns, target, false))
        );
      }),
    );
  }

  private write(lines: string[]): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

export class StagedKnownHosts implements HostKeyTrust {
  private readonly pending: { host: string; port: number; blob: Buffer }[] = [];

  constructor(private readonly base: KnownHosts) {}

  check(host: string, port: number, blob: Buffer): KeyCheck {
    const base = this.base.check(host, port, blob);
    if (base.status === 'changed' && base.revoked) return base;
    if (this.pending.some((p) => p.host === host && p.port === port && p.blob.equals(blob))) {
      return { status: 'trusted', fingerprint: fingerprint(blob) };
    }
    return base;
  }

  trust(host: string, port: number, blob: Buffer): void {
    this.pending.push({ host, port, blob });
  }

  /** Writes the keys trusted through this view to the file. */
  commit(): void {
    for (const p of this.pending.splice(0)) this.base.trust(p.host, p.port, p.blob);
  }
}

/** The refusal for a key that is not trusted: unknown (to be accepted), changed, or revoked. */
export function keyProblemError(
  check: Extract<KeyCheck, { status: 'unknown' | 'changed' }>,
  host: string,
  port: number,
): AppError {
  if (check.status === 'unknown') {
    return new AppError(
      'HOST_KEY_UNKNOWN',
      `The host key of ${host}:${port} is not trusted yet. Its fingerprint is ${check.fingerprint} (${check.keyType}). Check it and accept it to connect.`,
    );
  }
  if (check.revoked) {
    return new AppError(
      'HOST_KEY_CHANGED',
      `The host key of ${host}:${port} (${check.fingerprint}) is REVOKED: an @revoked line in known_hosts names it, and it is never accepted. ` +
        'The connection was refused.',
    );
  }
  return new AppError(
    'HOST_KEY_CHANGED',
    `The host key of ${host}:${port} has CHANGED. Trusted: ${check.trusted.join(', ')}; presented now: ${check.fingerprint}. ` +
      'This may be an attack, or the host was rebuilt. The connection was refused.',
  );
}
