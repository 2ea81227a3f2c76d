/**
 * Reads the start of an RFB handshake as the server sends it, to learn which security types it offers.
 * noVNC only logs why a handshake failed; this lets the page say "TLS displays are not supported" when a
 * display accepts nothing but VeNCrypt (QEMU's vnc_tls), instead of a bare "connection failed".
 */

const VERSION_LENGTH = 12; // "RFB 003.008\n"
const NONE = 1;
const VNC_AUTH = 2;
const VENCRYPT = 19;
const SASL = 20;

export type SecurityVerdict = 'ok' | 'tls-only' | 'sasl-only' | 'unknown';

export class SecuritySniffer {
  private buf = new Uint8Array(0);
  private types: number[] | null = null;

  /** The server's bytes, in order; ignored once the list of types was read. */
  feed(bytes: Uint8Array): void {
    if (this.types !== null || this.buf.length > 4096) return;
    const next = new Uint8Array(this.buf.length + bytes.length);
    next.set(this.buf);
    next.set(bytes, this.buf.length);
    this.buf = next;
    this.types = parseOffered(this.buf);
  }

  /** The security types the server offered, once known. */
  get offered(): readonly number[] | null {
    return this.types;
  }

  get verdict(): SecurityVerdict {
    return verdictOf(this.types);
  }
}

/** The offered types from the handshake's first bytes, or null while they are incomplete. */
export function parseOffered(buf: Uint8Array): number[] | null {
  if (buf.length < VERSION_LENGTH) return null;
  const version = String.fromCharCode(...buf.subarray(0, VERSION_LENGTH));
  if (!/^RFB \d{3}\.\d{3}\n$/.test(version)) return [];
  const rest = buf.subarray(VERSION_LENGTH);
  if (version === 'RFB 003.003\n') {
    // 3.3: the server names the one type, as a 32-bit number.
    if (rest.length < 4) return null;
    return [new DataView(rest.buffer, rest.byteOffset, 4).getUint32(0)];
  }
  const count = rest[0];
  if (count === undefined || rest.length < 1 + count) return null;
  return [...rest.subarray(1, 1 + count)];
}

export function verdictOf(types: readonly number[] | null): SecurityVerdict {
  if (types === null || types.length === 0) return 'unknown';
  if (types.includes(NONE) || types.includes(VNC_AUTH)) return 'ok';
  if (types.includes(VENCRYPT)) return 'tls-only';
  if (types.includes(SASL)) return 'sasl-only';
  return 'unknown';
}

/** What to tell the user when the handshake failed, given what the server offered. */
export function handshakeFailure(verdict: SecurityVerdict): string | null {
  switch (verdict) {
    case 'tls-only':
      return (
        'This display accepts only TLS (VeNCrypt) connections, and TLS displays are not supported by the ' +
        'console. Turn TLS off for VNC on the host (vnc_tls in qemu.conf) to use it here.'
      );
    case 'sasl-only':
      return 'This display asks for SASL authentication, which the console does not support.';
    default:
      return null;
  }
}
