/**
 * The console offers no SHA-1 host-key signatures (`ssh-rsa`) and no hmac-sha1: a server that offers only
 * those is refused in the handshake, while the testbed's ordinary sshd still connects.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostKeyTrust } from '../../../src/main/hosts/known-hosts';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SSH_ALGORITHMS, SshConnection, type SshTarget } from '../../../src/main/hosts/ssh-connection';
import { startTestApp, tempDir } from '../../helpers/app';
import { PrivateSshd } from '../../helpers/sshd';
import { clientKey, host, NO_TESTBED, testbed } from '../../helpers/testbed';

/** Trusts any key: these tests are about the algorithms, not the host key. */
const anyKey: HostKeyTrust = {
  check: () => ({ status: 'trusted', fingerprint: '' }),
  trust: () => undefined,
};

describe('the SSH algorithms offered', () => {
  it('are set explicitly, without ssh-rsa (SHA-1) signatures, SHA-1 MACs or key exchanges, or CBC ciphers', () => {
    const all = Object.values(SSH_ALGORITHMS).flat();
    expect(SSH_ALGORITHMS.serverHostKey).not.toContain('ssh-rsa');
    expect(SSH_ALGORITHMS.serverHostKey).toContain('rsa-sha2-256');
    expect(all.filter((a) => /sha1|md5|ssh-rsa$|ssh-dss|cbc|arcfour|group1-/.test(a))).toEqual([]);
    for (const list of Object.values(SSH_ALGORITHMS)) expect(list.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!testbed)(`SSH algorithms against real sshd ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-ssh-algos-');
  const sshds: PrivateSshd[] = [];
  afterAll(async () => {
    for (const s of sshds) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const legacy = async (name: string, address: string, config: string[]): Promise<SshConnection> => {
    const rsa = join(dir, `${name}_rsa`);
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa]);
    const sshd = new PrivateSshd(join(dir, name), address, 2222, 'test:///default', [
      `HostKey ${rsa}`,
      ...config,
    ]);
    sshds.push(sshd);
    await sshd.start();
    const target: SshTarget = {
      host: address,
      port: 2222,
      username: 'qhci',
      auth: { method: 'key', privateKey: clientKey() },
    };
    return new SshConnection(target, { knownHosts: anyKey, backoff: { initialMs: 1, maxMs: 1 } });
  };

  const refusal = async (conn: SshConnection) => {
    const err = (await conn.connect().then(
      () => ({ code: 'CONNECTED', message: '' }),
      (e: unknown) => e,
    )) as { code?: string; message?: string };
    conn.close();
    return { code: err.code, message: err.message };
  };

  it('refuses a server that signs its host key only with ssh-rsa (SHA-1)', async () => {
    const conn = await legacy('rsa-sha1', '127.0.0.24', ['HostKeyAlgorithms ssh-rsa']);
    expect(await refusal(conn)).toEqual({
      code: 'HOST_ERROR',
      message: expect.stringMatching(/127\.0\.0\.24:2222 offers only SSH algorithms .*no matching host key/),
    });
  });

  it('refuses a server whose only MAC is hmac-sha1', async () => {
    const conn = await legacy('hmac-sha1', '127.0.0.25', [
      'Ciphers aes128-ctr',
      'MACs hmac-sha1,hmac-sha1-etm@openssh.com',
    ]);
    expect(await refusal(conn)).toEqual({
      code: 'HOST_ERROR',
      message: expect.stringMatching(/127\.0\.0\.25:2222 offers only SSH algorithms .*no matching C->S MAC/),
    });
  });

  it('connects to such a server only for a host whose user agreed to SHA-1, and remembers that agreement', async () => {
    const rsa = join(dir, 'agreed_rsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa]);
    const sshd = new PrivateSshd(join(dir, 'agreed'), '127.0.0.26', 2222, 'test:///default', [
      `HostKey ${rsa}`,
      'HostKeyAlgorithms ssh-rsa',
    ]);
    sshds.push(sshd);
    await sshd.start();
    // The key it presents is the RSA one.
    const fingerprint = execFileSync('ssh-keygen', ['-lf', `${rsa}.pub`], { encoding: 'utf8' }).split(
      /\s+/,
    )[1]!;
    const t = startTestApp();
    try {
      const connection = {
        kind: 'ssh' as const,
        address: '127.0.0.26',
        port: 2222,
        user: 'qhci',
        auth: { method: 'key' as const, keyFile: testbed!.clientKey },
        uri: 'test:///default',
      };
      // By default: refused, with the way out named.
      await expect(t.client.call('hosts.probe', { address: '127.0.0.26', port: 2222 })).rejects.toMatchObject(
        {
          code: 'HOST_ERROR',
          message: expect.stringMatching(/no matching host key.*allow SHA-1 for this host only/),
        },
      );
      await expect(
        t.client.call('hosts.add', { name: 'old', connection, acceptFingerprint: fingerprint }),
      ).rejects.toMatchObject({ code: 'HOST_ERROR' });
      // Agreed: the key is read and trusted as for any host, and the host connects.
      const probe = await t.client.call('hosts.probe', {
        address: '127.0.0.26',
        port: 2222,
        allowSha1: true,
      });
      expect(probe).toMatchObject({ status: 'unknown', fingerprint, keyType: 'ssh-rsa' });
      const added = await t.client.call('hosts.add', {
        name: 'old',
        connection: { ...connection, allowSha1: true },
        acceptFingerprint: probe.fingerprint,
      });
      expect(added).toMatchObject({ state: 'connected', allowSha1: true });
      // The agreement is stored: a fresh app syncs it without asking again.
      t.app.close();
      const again = startTestApp(t.dataDir);
      try {
        expect((await again.client.call('hosts.sync', { id: added.id })).domains).toBeGreaterThanOrEqual(0);
        expect((await again.client.call('hosts.get', { id: added.id })).host.allowSha1).toBe(true);
      } finally {
        again.app.close();
      }
    } finally {
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  });

  it('still connects to the testbed sshd, checking its host key as before', async () => {
    const h = host('kvm-a');
    const conn = new SshConnection(
      { host: h.address, port: h.port, username: h.user, auth: { method: 'key', privateKey: clientKey() } },
      { knownHosts: new KnownHosts(join(dir, 'kh')), acceptFingerprint: h.hostKeyFingerprint },
    );
    try {
      expect(await conn.exec(['echo', 'ok'])).toEqual({ stdout: 'ok\n', stderr: '', code: 0 });
      expect(conn.lastKeyCheck).toEqual({ status: 'trusted', fingerprint: h.hostKeyFingerprint });
    } finally {
      conn.close();
    }
  });
});
