/**
 * OpenSSH public-key parsing and validation (authorized_keys line format: `type base64 [comment]`).
 * Pure: decodes the key blob and checks that it is well formed for its type.
 */

export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;

export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export const MIN_RSA_BITS = 2048;

export interface ParsedSshKey {
  readonly type: SshKeyType;
  /** base64 of the key blob: the identity of a key, comments aside. */
  readonly blob: string;
  readonly comment: string;
  /** Key size in bits (RSA modulus, curve size, 256 for ed25519). */
  readonly bits: number;
}

export type SshKeyParse = { ok: true; key: ParsedSshKey } | { ok: false; reason: string };

const ECDSA_CURVES: Record<string, { curve: string; bits: number; pointLen: number }> = {
  'ecdsa-sha2-nistp256': { curve: 'nistp256', bits: 256, pointLen: 65 },
  'ecdsa-sha2-nistp384': { curve: 'nistp384', bits: 384, pointLen: 97 },
  'ecdsa-sha2-nistp521': { curve: 'nistp521', bits: 521, pointLen: 133 },
  'sk-ecdsa-sha2-nistp256@openssh.com': { curve: 'nistp256', bits: 256, pointLen: 65 },
};

class BlobReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos === this.bytes.length;
  }

  bytesField(): Uint8Array {
    if (this.pos + 4 > this.bytes.length) throw new Error('truncated key data');
    const b = this.bytes;
    const len =
      ((b[this.pos]! << 24) | (b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!) >>> 0;
    this.pos += 4;
    if (len > b.length - this.pos) throw new Error('truncated key data');
    const out = b.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  stringField(): string {
    const raw = this.bytesField();
    let s = '';
    for (const c of raw) s += String.fromCharCode(c);
    return s;
  }
}

function decodeBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  try {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Bit length of an SSH mpint (big-endian, may carry a leading zero byte). */
function mpintBits(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  const lead = bytes[i]!;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(lead));
}

export function parseSshPublicKey(line: string): SshKeyParse {
  const text = line.trim();
  if (text === '') return { ok: false, reason: 'The key is empty' };
  if (/[\r\n]/.test(text)) return { ok: false, reason: 'A key must be a single line' };
  if (text.startsWith('-----BEGIN')) {
    return {
      ok: false,
      reason: 'This looks like a private key or PEM file; paste the public key (the .pub file)',
    };
  }
  const parts = text.split(/[ \t]+/);
  const type = parts[0] ?? '';
  const data = parts[1];
  const comment = parts.slice(2).join(' ');
  if (type === 'ssh-dss')
    return { ok: false, reason: 'DSA keys are not accepted; use ed25519, ecdsa or rsa' };
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `Unsupported key type "${type.slice(0, 40)}"` };
  }
  if (data === undefined) return { ok: false, reason: 'The key data is missing after the key type' };
  const blob = decodeBase64(data);
  if (blob === null) return { ok: false, reason: 'The key data is not valid base64' };
  const keyType = type as SshKeyType;
  try {
    const r = new BlobReader(blob);
    const inner = r.stringField();
    if (inner !== type)
      return { ok: false, reason: `The key data is for "${inner.slice(0, 40)}", not "${type}"` };
    let bits: number;
    if (keyType === 'ssh-ed25519' || keyType === 'sk-ssh-ed25519@openssh.com') {
      if (r.bytesField().length !== 32) return { ok: false, reason: 'An ed25519 key must be 32 bytes' };
      bits = 256;
    } else if (keyType === 'ssh-rsa') {
      const e = r.bytesField();
      const n = r.bytesField();
      if (mpintBits(e) < 2) return { ok: false, reason: 'The RSA public exponent is invalid' };
      bits = mpintBits(n);
      if (bits < MIN_RSA_BITS) {
        return {
          ok: false,
          reason: `RSA keys must have at least ${MIN_RSA_BITS} bits; this one has ${bits}`,
        };
      }
    } else {
      const spec = ECDSA_CURVES[keyType]!;
      const curve = r.stringField();
      if (curve !== spec.curve)
        return { ok: false, reason: `The curve "${curve.slice(0, 20)}" does not match ${type}` };
      const point = r.bytesField();
      if (point.length !== spec.pointLen || point[0] !== 4) {
        return { ok: false, reason: 'The ECDSA public point is malformed' };
      }
      bits = spec.bits;
    }
    if (type.startsWith('sk-')) r.stringField(); // application, e.g. "ssh:"
    if (!r.done) return { ok: false, reason: 'The key data has trailing bytes' };
    return { ok: true, key: { type: keyType, blob: data, comment, bits } };
  } catch (err) {
    return { ok: false, reason: `The key data is malformed (${(err as Error).message})` };
  }
}

/** Normal form kept in the inventory: `type blob comment` with single spaces. */
export function formatSshKey(key: ParsedSshKey): string {
  return key.comment === '' ? `${key.type} ${key.blob}` : `${key.type} ${key.blob} ${key.comment}`;
}
