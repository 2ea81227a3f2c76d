/** The SSH transport algorithms the console offers (ssh2 names), with and without the SHA-1 agreement. */
import { getCiphers } from 'node:crypto';
import type { Algorithms } from 'ssh2';

/**
 * The transport algorithms offered, most preferred first. ssh2's defaults also offer `ssh-rsa` host-key
 * signatures (SHA-1), hmac-sha1(-etm) and nothing else weaker; those are left out here. A host that offers
 * nothing better fails the handshake with "no matching" in the message, unless the user allowed SHA-1 for
 * that one host (SSH_ALGORITHMS_SHA1). Names are ssh2 1.x's; every OpenSSH since 7.2 (2016) has a match in
 * each list.
 */
export const SSH_ALGORITHMS = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    'diffie-hellman-group-exchange-sha256',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
    'diffie-hellman-group14-sha256',
  ],
  serverHostKey: [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
  ],
  // Only those the runtime's crypto has (Electron's BoringSSL differs from Node's OpenSSL): ssh2 refuses to
  // connect at all when asked for a cipher it cannot use.
  cipher: (
    [
      ['chacha20-poly1305@openssh.com', 'chacha20'],
      ['aes128-gcm@openssh.com', 'aes-128-gcm'],
      ['aes256-gcm@openssh.com', 'aes-256-gcm'],
      ['aes128-ctr', 'aes-128-ctr'],
      ['aes192-ctr', 'aes-192-ctr'],
      ['aes256-ctr', 'aes-256-ctr'],
    ] as const
  )
    .filter(([, openssl]) => getCiphers().includes(openssl))
    .map(([name]) => name),
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
  compress: ['none', 'zlib@openssh.com', 'zlib'],
} satisfies Algorithms;

/**
 * For a host older than OpenSSH 7.2 whose user agreed to SHA-1 for it (the host's allowSha1): the same
 * offer, then ssh-rsa signatures, hmac-sha1 and SHA-1 key exchange, least preferred.
 */
export const SSH_ALGORITHMS_SHA1 = {
  ...SSH_ALGORITHMS,
  kex: [...SSH_ALGORITHMS.kex, 'diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1'],
  serverHostKey: [...SSH_ALGORITHMS.serverHostKey, 'ssh-rsa'],
  hmac: [...SSH_ALGORITHMS.hmac, 'hmac-sha1-etm@openssh.com', 'hmac-sha1'],
} satisfies Algorithms;

export const algorithmsFor = (allowSha1: boolean | undefined) =>
  allowSha1 ? SSH_ALGORITHMS_SHA1 : SSH_ALGORITHMS;
