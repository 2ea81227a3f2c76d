import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SshConnection, type SshTarget } from '../../../src/main/hosts/ssh-connection';
import { tempDir } from '../../helpers/app';
import { clientKey, host, NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`ssh connections to the testbed ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-ssh-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const target = (name: string, over: Partial<SshTarget> = {}): SshTarget => {
    const h = host(name);
    return {
      host: h.address,
      port: h.port,
      username: h.user,
      auth: { method: 'key', privateKey: clientKey() },
      ...over,
    };
  };

  it('refuses an unknown host key and names its fingerprint, as ssh-keygen -lf prints it', async () => {
    const kh = new KnownHosts(join(dir, 'kh1'));
    const conn = new SshConnection(target('kvm-a'), { knownHosts: kh });
    await expect(conn.connect()).rejects.toMatchObject({
      code: 'HOST_KEY_UNKNOWN',
      message: expect.stringContaining(host('kvm-a').hostKeyFingerprint),
    });
    conn.close();
  });

  it('trusts on first use when the user accepts that fingerprint, then runs commands with hostile arguments intact', async () => {
    const kh = new KnownHosts(join(dir, 'kh2'));
    const h = host('kvm-a');
    const first = new SshConnection(target('kvm-a'), {
      knownHosts: kh,
      acceptFingerprint: h.hostKeyFingerprint,
    });
    const hostile = ["it's", 'a b; touch /tmp/qhci-pwned', '$(id)', '`id`', '"q"'];
    const r = await first.exec(['printf', '%s\\n', ...hostile]);
    expect(r).toEqual({ stdout: `${hostile.join('\n')}\n`, stderr: '', code: 0 });
    first.close();
    // Later connections need no acceptance; OpenSSH reads the same file.
    const again = new SshConnection(target('kvm-a'), { knownHosts: kh });
    expect((await again.exec(['sh', '-c', 'echo $LIBVIRT_DEFAULT_URI'])).stdout.trim()).toBe(
      'qemu:///system',
    );
    again.close();
    const out = execFileSync(
      'ssh',
      [
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${kh.file}`,
        '-i',
        testbed!.clientKey,
        '-p',
        String(h.port),
        `root@${h.address}`,
        'echo ok',
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('ok');
  });

  it('refuses a changed host key, naming the old and the new fingerprint', async () => {
    const kh = new KnownHosts(join(dir, 'kh3'));
    const a = host('kvm-a');
    const b = host('sim-b');
    // Trust sim-b's key under kvm-a's address: kvm-a now presents a "changed" key.
    const trustB = new SshConnection(target('sim-b'), {
      knownHosts: new KnownHosts(join(dir, 'kh3b')),
      acceptFingerprint: b.hostKeyFingerprint,
    });
    await trustB.connect();
    trustB.close();
    const blob = execFileSync('ssh-keygen', ['-f', join(dir, 'kh3b'), '-F', `[${b.address}]:${b.port}`], {
      encoding: 'utf8',
    })
      .split('\n')
      .find((l) => l.includes('ssh-ed25519'))!
      .split(' ')[2]!;
    kh.trust(a.address, a.port, Buffer.from(blob, 'base64'));
    const conn = new SshConnection(target('kvm-a'), {
      knownHosts: kh,
      acceptFingerprint: a.hostKeyFingerprint,
    });
    const err = await conn.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HOST_KEY_CHANGED' });
    expect((err as Error).message).toContain(b.hostKeyFingerprint);
    expect((err as Error).message).toContain(a.hostKeyFingerprint);
  });

  it('reports wrong credentials, refused ports and bad keys as readable errors, and backs off', async () => {
    const kh = new KnownHosts(join(dir, 'kh4'));
    const h = host('kvm-a');
    const wrongUser = new SshConnection(target('kvm-a', { username: 'nobody' }), {
      knownHosts: kh,
      acceptFingerprint: h.hostKeyFingerprint,
    });
    await expect(wrongUser.connect()).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringContaining('authentication failed'),
    });
    const refused = new SshConnection(target('kvm-a', { port: 1 }), {
      knownHosts: kh,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    await expect(refused.connect()).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringContaining('refused the connection'),
    });
    const t0 = Date.now();
    await expect(refused.connect()).rejects.toMatchObject({ code: 'HOST_ERROR' });
    expect(Date.now() - t0).toBeLessThan(50); // backing off: no new attempt
    const badKey = new SshConnection(target('kvm-a', { auth: { method: 'key', privateKey: 'not a key' } }), {
      knownHosts: kh,
    });
    await expect(badKey.connect()).rejects.toMatchObject({ code: 'VALIDATION', field: 'auth' });
  });

  it('multiplexes many commands over one connection and reconnects after a drop', async () => {
    const kh = new KnownHosts(join(dir, 'kh5'));
    const conn = new SshConnection(target('sim-b'), {
      knownHosts: kh,
      acceptFingerprint: host('sim-b').hostKeyFingerprint,
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => conn.exec(['echo', String(i)])));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    const states: string[] = [];
    conn.onState((s) => states.push(s));
    conn.reset();
    expect((await conn.exec(['echo', 'back'])).stdout.trim()).toBe('back');
    expect(states).toContain('up');
    conn.close();
  });

  it('refuses a host key on an @revoked line even when it is also trusted, and an accept does not help', async () => {
    const kh = new KnownHosts(join(dir, 'kh6'));
    const h = host('kvm-a');
    const first = new SshConnection(target('kvm-a'), {
      knownHosts: kh,
      acceptFingerprint: h.hostKeyFingerprint,
    });
    await first.connect();
    first.close();
    const trusted = readFileSync(kh.file, 'utf8');
    writeFileSync(kh.file, `${trusted}@revoked ${trusted.trim().split('\n')[0]}\n`);
    const conn = new SshConnection(target('kvm-a'), {
      knownHosts: kh,
      acceptFingerprint: h.hostKeyFingerprint,
    });
    await expect(conn.connect()).rejects.toMatchObject({
      code: 'HOST_KEY_CHANGED',
      message: expect.stringContaining(`(${h.hostKeyFingerprint}) is REVOKED`),
    });
    conn.close();
  });
});
