/**
 * Host-key pinning for a libvirt URI over ssh or libssh: the key the host presents is read with ssh2 and
 * checked against the console's known_hosts (trust on first use, as for SSH hosts); libvirt's own SSH
 * client is then held to that one key through a private known_hosts file.
 */
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { AppError } from '../../../shared/domain/errors';
import type { LibvirtUriParts } from '../../../shared/domain/libvirt-uri';
import { blobKeyType, hostPattern, keyProblemError, type HostKeyTrust } from '../known-hosts';
import { quoteArg } from '../shell-quote';
import { probeHostKey } from '../ssh-connection';

export interface LibvirtHostKeys {
  readonly trust: HostKeyTrust;
  readonly acceptFingerprint?: string;
}

/** The ssh program on PATH (libvirt's ssh transport would run the same one). */
function findSsh(): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, 'ssh');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new AppError('HOST_ERROR', 'ssh is not installed on this workstation');
}

export class SshKeyPin {
  constructor(
    private readonly base: string,
    private readonly parts: LibvirtUriParts,
    private readonly keys: LibvirtHostKeys | undefined,
  ) {}

  /** The URI to open, held to the checked key (checked once; again after a failure or close()). */
  uri(): Promise<string> {
    this.pinning ??= this.pinHostKey().catch((err: unknown) => {
      this.pinning = null;
      throw err;
    });
    return this.pinning;
  }

  close(): void {
    this.pinning = null;
    this.removePinDir();
  }

  private pinning: Promise<string> | null = null;
  /** A private directory with the pinned known_hosts (and the ssh wrapper), removed on close. */
  private pinDir: string | null = null;

  /**
   * Reads the key the host presents (ssh2, handshake only), checks it against the console's known_hosts
   * (an unknown key is trusted only when its fingerprint is the accepted one), then writes it alone to a
   * private known_hosts file that libvirt's SSH client must match: libssh through `known_hosts=` with
   * normal checking, the ssh transport through a wrapper that runs ssh with that file and strict checking.
   */
  private async pinHostKey(): Promise<string> {
    const keys = this.keys;
    const { host, port, transport } = this.parts;
    if (!keys || host === null) {
      throw new AppError(
        'HOST_ERROR',
        `${this.base} connects over SSH, and this connection has no known_hosts to check the host key against`,
      );
    }
    const address = host.replace(/^\[(.*)\]$/, '$1');
    const p = port ?? 22;
    let presented: Buffer | null = null;
    const check = await probeHostKey(address, p, {
      check: (h, pt, blob) => {
        presented = blob;
        return keys.trust.check(h, pt, blob);
      },
    });
    const blob = presented as Buffer | null;
    if (!blob) throw new AppError('HOST_ERROR', `${address}:${p} presented no host key`);
    if (
      check.status === 'changed' ||
      (check.status === 'unknown' && keys.acceptFingerprint !== check.fingerprint)
    ) {
      throw keyProblemError(check, address, p);
    }
    if (check.status === 'unknown') {
      keys.trust.trust(address, p, blob);
    }
    this.removePinDir();
    const dir = mkdtempSync(join(tmpdir(), 'qhci-hostkey-'));
    this.pinDir = dir;
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(
      knownHosts,
      `${hostPattern(address, p)} ${blobKeyType(blob)} ${blob.toString('base64')}\n`,
      {
        mode: 0o600,
      },
    );
    const sep = this.base.includes('?') ? '&' : '?';
    if (transport === 'libssh') {
      return `${this.base}${sep}known_hosts=${encodeURIComponent(knownHosts)}&known_hosts_verify=normal`;
    }
    // The ssh transport runs `ssh` (or libvirt's `command=`) with options of its own; a wrapper adds ours,
    // which come before any ssh_config and so win over it.
    const wrapper = join(dir, 'ssh');
    const options = [
      `UserKnownHostsFile=${knownHosts}`,
      'GlobalKnownHostsFile=/dev/null',
      'StrictHostKeyChecking=yes',
      'UpdateHostKeys=no',
      'CheckHostIP=no',
    ].flatMap((o) => ['-o', quoteArg(o)]);
    writeFileSync(wrapper, `#!/bin/sh\nexec ${quoteArg(findSsh())} ${options.join(' ')} "$@"\n`, {
      mode: 0o700,
    });
    return `${this.base}${sep}command=${encodeURIComponent(wrapper)}`;
  }

  private removePinDir(): void {
    if (this.pinDir) rmSync(this.pinDir, { recursive: true, force: true });
    this.pinDir = null;
  }
}
