/** Real OpenSSH public keys, generated with node:crypto and encoded in the SSH wire format. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function mpint(base64url: string): Buffer {
  let b = Buffer.from(base64url, 'base64url');
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

function line(type: string, blob: Buffer, comment: string): string {
  return `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

function jwk(key: KeyObject): Record<string, string> {
  return key.export({ format: 'jwk' }) as Record<string, string>;
}

export function ed25519Key(comment = 'test@qhci'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(jwk(publicKey).x!, 'base64url');
  return line('ssh-ed25519', Buffer.concat([sshString('ssh-ed25519'), sshString(x)]), comment);
}

export function rsaKey(bits: number, comment = 'rsa@qhci'): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const k = jwk(publicKey);
  return line('ssh-rsa', Buffer.concat([sshString('ssh-rsa'), mpint(k.e!), mpint(k.n!)]), comment);
}

export function ecdsaKey(curve: 'P-256' | 'P-384' | 'P-521', comment = 'ecdsa@qhci'): string {
  const names = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' } as const;
  const sizes = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const k = jwk(publicKey);
  const pad = (v: string) => {
    const b = Buffer.from(v, 'base64url');
    return Buffer.concat([Buffer.alloc(sizes[curve] - b.length), b]);
  };
  const point = Buffer.concat([Buffer.from([4]), pad(k.x!), pad(k.y!)]);
  const type = `ecdsa-sha2-${names[curve]}`;
  return line(type, Buffer.concat([sshString(type), sshString(names[curve]), sshString(point)]), comment);
}

/** A FIDO (sk-) ed25519 key: key bytes plus the application string. */
export function skEd25519Key(comment = 'sk@qhci'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(jwk(publicKey).x!, 'base64url');
  const type = 'sk-ssh-ed25519@openssh.com';
  return line(type, Buffer.concat([sshString(type), sshString(x), sshString('ssh:')]), comment);
}
