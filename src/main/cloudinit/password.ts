/**
 * Admin passwords become SHA-512 crypt hashes (`$6$salt$hash`, as /etc/shadow and cloud-init's
 * `passwd:` expect). The salt is random per hash. The plaintext is never kept.
 */
import { encrypt, verify } from 'unixcrypt';

const CRYPT6_RE = /^\$6\$(rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/;

export function hashPassword(plaintext: string): string {
  // "$6$" with no salt asks unixcrypt for a random 16-character salt from node:crypto.
  return encrypt(plaintext, '$6$');
}

export function verifyPassword(plaintext: string, hash: string): boolean {
  return isSha512CryptHash(hash) && verify(plaintext, hash);
}

export function isSha512CryptHash(value: string): boolean {
  return CRYPT6_RE.test(value);
}
