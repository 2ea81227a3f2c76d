import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/helpers/app';
import { fingerprint, KnownHosts } from './known-hosts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function hostKey(dir: string, name: string): { blob: Buffer; pubFile: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const pub = readFileSync(`${file}.pub`, 'utf8').split(' ');
  return { blob: Buffer.from(pub[1]!, 'base64'), pubFile: `${file}.pub` };
}

describe('known hosts (trust on first use)', () => {
  it('fingerprints exactly as ssh-keygen -lf prints them', () => {
    const dir = tempDir();
    dirs.push(dir);
    const { blob, pubFile } = hostKey(dir, 'k');
    const keygen = execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint(blob)).toBe(keygen);
  });

  it('unknown first, trusted after trust(), changed when the key differs, and says both fingerprints', () => {
    const dir = tempDir();
    dirs.push(dir);
    const kh = new KnownHosts(join(dir, 'known_hosts'));
    const a = hostKey(dir, 'a');
    const b = hostKey(dir, 'b');
    expect(kh.check('127.0.0.2', 2222, a.blob)).toMatchObject({ status: 'unknown', keyType: 'ssh-ed25519' });
    kh.trust('127.0.0.2', 2222, a.blob);
    expect(kh.check('127.0.0.2', 2222, a.blob)).toEqual({
      status: 'trusted',
      fingerprint: fingerprint(a.blob),
    });
    expect(kh.check('127.0.0.2', 2222, b.blob)).toEqual({
      status: 'changed',
      fingerprint: fingerprint(b.blob),
      keyType: 'ssh-ed25519',
      trusted: [fingerprint(a.blob)],
    });
    // Another port of the same address is another host.
    expect(kh.check('127.0.0.2', 22, a.blob).status).toBe('unknown');
    expect(statSync(kh.file).mode & 0o777).toBe(0o600);
    kh.forget('127.0.0.2', 2222);
    expect(kh.check('127.0.0.2', 2222, b.blob).status).toBe('unknown');
  });

  it('writes lines OpenSSH reads, and reads hashed OpenSSH entries', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'known_hosts');
    const kh = new KnownHosts(file);
    const a = hostKey(dir, 'a');
    kh.trust('127.0.0.3', 2222, a.blob);
    expect(readFileSync(file, 'utf8')).toMatch(/^\[127\.0\.0\.3\]:2222 ssh-ed25519 AAAA/);
    expect(
      execFileSync('ssh-keygen', ['-F', '[127.0.0.3]:2222', '-f', file], { encoding: 'utf8' }),
    ).toContain('ssh-ed25519');
    // ssh-keygen -H hashes host names; we must still recognise the host.
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    expect(kh.check('127.0.0.3', 2222, a.blob).status).toBe('trusted');
    writeFileSync(file, '# comment\n\ngarbage\n', { mode: 0o600 });
    expect(kh.check('127.0.0.3', 2222, a.blob).status).toBe('unknown');
  });

  it('refuses a key on an @revoked line even when another line trusts it, and forget() keeps the revocation', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'known_hosts');
    const kh = new KnownHosts(file);
    const a = hostKey(dir, 'a');
    const b = hostKey(dir, 'b');
    kh.trust('127.0.0.2', 2222, a.blob);
    kh.trust('127.0.0.2', 2222, b.blob);
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}@revoked [127.0.0.2]:2222 ssh-ed25519 ${a.blob.toString('base64')}\n`,
    );
    expect(kh.check('127.0.0.2', 2222, a.blob)).toEqual({
      status: 'changed',
      fingerprint: fingerprint(a.blob),
      keyType: 'ssh-ed25519',
      trusted: [fingerprint(b.blob)],
      revoked: true,
    });
    // The other trusted key still works; a host the line does not name is not affected.
    expect(kh.check('127.0.0.2', 2222, b.blob).status).toBe('trusted');
    expect(kh.check('127.0.0.3', 2222, a.blob).status).toBe('unknown');
    // A staged "accept" (connection test, new host) cannot override it either.
    const staged = kh.staged();
    staged.trust('127.0.0.2', 2222, a.blob);
    expect(staged.check('127.0.0.2', 2222, a.blob)).toMatchObject({ status: 'changed', revoked: true });
    // Accepting a rebuilt host forgets its keys, never the revocation.
    kh.forget('127.0.0.2', 2222);
    expect(readFileSync(file, 'utf8')).toMatch(/^@revoked /m);
    kh.trust('127.0.0.2', 2222, a.blob);
    expect(kh.check('127.0.0.2', 2222, a.blob)).toMatchObject({
      status: 'changed',
      revoked: true,
      trusted: [],
    });
  });

  it('matches OpenSSH host patterns: wildcards and negations on @revoked lines too', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'known_hosts');
    const kh = new KnownHosts(file);
    const a = hostKey(dir, 'a');
    const b = hostKey(dir, 'b');
    const a64 = a.blob.toString('base64');
    writeFileSync(
      file,
      [
        `[127.0.0.*]:2222,![127.0.0.9]:2222 ssh-ed25519 ${a64}`,
        `[127.0.0.2]:2222 ssh-ed25519 ${a64}`,
        `@revoked * ssh-ed25519 ${b.blob.toString('base64')}`,
        `[127.0.0.5]:2222 ssh-ed25519 ${b.blob.toString('base64')}`,
        '',
      ].join('\n'),
    );
    expect(kh.check('127.0.0.3', 2222, a.blob).status).toBe('trusted');
    expect(kh.check('127.0.0.9', 2222, a.blob).status).toBe('unknown');
    expect(kh.check('127.0.0.3', 22, a.blob).status).toBe('unknown');
    expect(kh.check('127.0.0.5', 2222, b.blob)).toMatchObject({ status: 'changed', revoked: true });
    expect(kh.check('example.org', 22, b.blob)).toMatchObject({ status: 'changed', revoked: true });
    // forget() drops the lines naming that host itself, not the wildcard line other hosts rely on.
    kh.forget('127.0.0.2', 2222);
    expect(kh.check('127.0.0.3', 2222, a.blob).status).toBe('trusted');
    expect(readFileSync(file, 'utf8')).not.toContain(`[127.0.0.2]:2222 ssh-ed25519`);
  });
});
