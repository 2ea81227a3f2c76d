/**
 * Admin passwords become SHA-512 crypt hashes (`$6$salt$hash`, as /etc/shadow and cloud-init's
 * `passwd:` expect). The salt is random per hash. The plaintext is never kept.
 */
import { encrypt, verify } from 'unixcrypt';

const SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const CRYPT6_RE = /^\$6\$(rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/;

/** 16 salt characters (96 bits), the maximum crypt(3) uses; 64 symbols so `byte & 63` is unbiased. */
export function randomSalt(): string {
  let salt = '';
  // Web Crypto's generator (a global in Node and browsers): this module stays free of node:* imports.
  for (const b of globalThis.crypto.getRandomValues(new Uint8Array(16))) salt += SALT_ALPHABET[b & 63];
  return salt;
}

export function hashPassword(plaintext: string): string {
  // The salt is always passed explicitly: unixcrypt given a bare "$6$" returns an unsalted hash.
  return encrypt(plaintext, `$6$${randomSalt()}`);
}

export function verifyPassword(plaintext: string, hash: string): boolean {
  return isSha512CryptHash(hash) && verify(plaintext, hash);
}

export function isSha512CryptHash(value: string): boolean {
  return CRYPT6_RE.test(value);
}
