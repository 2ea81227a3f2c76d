import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hashPassword, isSha512CryptHash, verifyPassword } from './password';

describe('admin password hashing', () => {
  it('produces $6$ SHA-512 crypt hashes with a random salt', () => {
    const a = hashPassword('correct horse battery');
    const b = hashPassword('correct horse battery');
    expect(a).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(a).not.toBe(b);
    expect(isSha512CryptHash(a)).toBe(true);
    expect(verifyPassword('correct horse battery', a)).toBe(true);
    expect(verifyPassword('wrong', a)).toBe(false);
  });

  it('matches what OpenSSL computes for the same salt (the format /etc/shadow uses)', () => {
    const hash = hashPassword('pä$$ w0rd "quoted"');
    const salt = hash.split('$')[2]!;
    const openssl = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
      input: 'pä$$ w0rd "quoted"',
      encoding: 'utf8',
    }).trim();
    expect(hash).toBe(openssl);
  });
});
