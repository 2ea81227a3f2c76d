/**
 * sshd runs every command through the user's login shell. Our commands must mean the same thing under
 * fish and tcsh as under sh, and a login shell that still mangles them must be refused, not trusted.
 * The login shells are stood in for by ForceCommand wrappers (sshd runs ForceCommand through the user's
 * shell, here /bin/sh, with the client's command in $SSH_ORIGINAL_COMMAND).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SshConnection, type SshTarget } from '../../../src/main/hosts/ssh-connection';
import { tempDir } from '../../helpers/app';
import { PrivateSshd } from '../../helpers/sshd';
import { clientKey, NO_TESTBED, testbed } from '../../helpers/testbed';

// .ci/run installs both; elsewhere the test is skipped without them (and fails in CI if they are missing).
const HAVE_SHELLS = existsSync('/usr/bin/fish') && existsSync('/usr/bin/tcsh');

describe.skipIf(!testbed || (!HAVE_SHELLS && !process.env.CI))(
  `commands through non-POSIX login shells ${NO_TESTBED}${HAVE_SHELLS ? '' : ' (fish and tcsh are not installed)'}`,
  () => {
    const dir = tempDir('qhci-login-shells-');
    const marker = join(dir, 'pwned');
    // Each names a fresh marker path, so a payload that ran leaves a file behind.
    const hostile = [
      'x\\',
      `; touch ${marker} #`,
      `'; touch ${marker}; '`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      'a!b',
      '!!',
      'line1\nline2',
      '*',
      '"dq" $HOME ~ {a,b} %s \\n \\\\',
      'ünïcødé ☃',
      '',
    ];
    const sshds: PrivateSshd[] = [];
    const shells: Record<string, string> = {
      fish: 'exec /usr/bin/fish -c "$SSH_ORIGINAL_COMMAND"',
      tcsh: 'exec /usr/bin/tcsh -c "$SSH_ORIGINAL_COMMAND"',
      // A shell that drops every backslash before running the command: no quoting survives it.
      mangling: `exec /bin/sh -c "$(printf '%s' "$SSH_ORIGINAL_COMMAND" | tr -d '\\\\')"`,
    };
    const addresses: Record<string, string> = {
      fish: '127.0.0.21',
      tcsh: '127.0.0.22',
      mangling: '127.0.0.23',
    };

    beforeAll(async () => {
      for (const [name, body] of Object.entries(shells)) {
        const wrapper = join(dir, `${name}-shell`);
        writeFileSync(wrapper, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        const sshd = new PrivateSshd(join(dir, name), addresses[name]!, 2222, 'test:///default', [
          `ForceCommand ${wrapper}`,
        ]);
        await sshd.start();
        sshds.push(sshd);
      }
    });
    afterAll(async () => {
      for (const s of sshds) await s.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const connect = (name: string): SshConnection => {
      const sshd = sshds[Object.keys(shells).indexOf(name)]!;
      const target: SshTarget = {
        host: sshd.address,
        port: sshd.port,
        username: 'qhci',
        auth: { method: 'key', privateKey: clientKey() },
      };
      return new SshConnection(target, {
        knownHosts: new KnownHosts(join(dir, `kh-${name}`)),
        acceptFingerprint: sshd.fingerprint,
        backoff: { initialMs: 1, maxMs: 1 },
      });
    };

    for (const shell of ['fish', 'tcsh']) {
      it(`passes hostile arguments intact through ${shell} and runs none of them`, async () => {
        const conn = connect(shell);
        try {
          // fish reads \' inside single quotes as a quote: POSIX quoting alone ran this payload there.
          const payload = ['x\\', `; touch ${marker} #`];
          const p = await conn.exec(['printf', '%s\\n', ...payload]);
          expect(existsSync(marker)).toBe(false);
          expect(p.stdout).toBe(`${payload.join('\n')}\n`);
          const r = await conn.exec(['printf', '%s\\n', ...hostile]);
          expect(existsSync(marker)).toBe(false);
          expect(r).toEqual({ stdout: `${hostile.join('\n')}\n`, stderr: '', code: 0 });
          // stdin still reaches the command, and a missing command still exits 127.
          expect((await conn.exec(['cat'], { stdin: 'in\nput' })).stdout).toBe('in\nput');
          expect((await conn.exec(['qhci-no-such-command'])).code).toBe(127);
          // Long-running commands (virsh sessions, event streams) go the same way.
          const ch = await conn.interactive(['cat']);
          const echoed = new Promise<string>((resolve) =>
            ch.on('data', (d: Buffer) => resolve(d.toString())),
          );
          ch.write('a!b $x\n');
          expect(await echoed).toBe('a!b $x\n');
          ch.end();
        } finally {
          conn.close();
          rmSync(marker, { force: true });
        }
      });
    }

    it('refuses a host whose login shell still mangles the quoted probe, and runs nothing there', async () => {
      const conn = connect('mangling');
      try {
        const err = (await conn.connect().then(
          () => ({}),
          (e: unknown) => e,
        )) as { code?: string; message?: string };
        expect({ code: err.code, message: err.message }).toMatchObject({
          code: 'HOST_ERROR',
          message: expect.stringMatching(
            /^The login shell of qhci on 127\.0\.0\.23 is not POSIX-compatible \(.+\); set it to \/bin\/sh or bash$/s,
          ),
        });
        expect(conn.connected).toBe(false);
        await expect(conn.exec(['printf', '%s\\n', ...hostile])).rejects.toMatchObject({
          code: 'HOST_ERROR',
        });
        expect(existsSync(marker)).toBe(false);
      } finally {
        conn.close();
        rmSync(marker, { force: true });
      }
    });
  },
);
