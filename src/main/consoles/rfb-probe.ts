/**
 * What a VNC server asks of its clients, learnt from the start of the RFB handshake on a connection of its
 * own (RFC 6143 §7.1): the greeting, then the security types on offer. libvirt shows a display's password
 * only to callers who read secrets (--security-info), and TLS is set in qemu.conf, not in the domain: the
 * server itself says both, without QHCI reading a secret.
 */
import type { Duplex } from 'node:stream';
import { AppError } from '../../shared/domain/errors';

export type RfbSecurity =
  | { readonly kind: 'types'; readonly types: readonly number[] }
  | { readonly kind: 'refused'; readonly reason: string };

const NONE = 1;
const VEN_CRYPT = 19;
const SASL = 20;
/** The security types noVNC 1.7 completes by itself (VeNCrypt only with its plain subtype, which QEMU lacks). */
const CONSOLE_TYPES: readonly number[] = [NONE, 2, 6, 16, 22, 30, 113, 129];

/** The greeting's version, or null if these 12 bytes are not one ("RFB 003.008\n"). */
export function rfbVersion(greeting: Buffer): { major: number; minor: number } | null {
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(greeting.toString('latin1'));
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** The version the probe answers with: 3.8 where the server has it, else 3.7 or 3.3 (RFC 6143 §7.1.1). */
export function replyVersion(v: { major: number; minor: number }): '3.8' | '3.7' | '3.3' {
  if (v.major > 3 || v.minor >= 8) return '3.8';
  return v.minor === 7 ? '3.7' : '3.3';
}

/**
 * Reads the server's security message that follows the version exchange; null while more bytes are needed.
 * 3.7 and 3.8: a count and that many types, or 0 and a reason. 3.3: one 32-bit type, 0 with a reason.
 */
export function parseSecurity(buf: Buffer, version: '3.8' | '3.7' | '3.3'): RfbSecurity | null {
  const reasonAt = (at: number): RfbSecurity | null => {
    if (buf.length < at + 4) return null;
    const len = buf.readUInt32BE(at);
    // A reason is a short sentence; a huge length means this is not RFB at all.
    if (len > 4096) return { kind: 'refused', reason: 'the server sent a malformed refusal' };
    if (buf.length < at + 4 + len) return null;
    return { kind: 'refused', reason: buf.subarray(at + 4, at + 4 + len).toString('utf8') };
  };
  if (version === '3.3') {
    if (buf.length < 4) return null;
    const type = buf.readUInt32BE(0);
    return type === 0 ? reasonAt(4) : { kind: 'types', types: [type] };
  }
  if (buf.length < 1) return null;
  const count = buf[0]!;
  if (count === 0) return reasonAt(1);
  if (buf.length < 1 + count) return null;
  return { kind: 'types', types: [...buf.subarray(1, 1 + count)] };
}

/** Why the console cannot use this display (refused: the server said no), or null; and whether it will ask for a password. */
export function judgeSecurity(sec: RfbSecurity): {
  problem: { readonly refused: boolean; readonly message: string } | null;
  passwordRequired: boolean;
} {
  if (sec.kind === 'refused') {
    const message = `The VM's display refused the connection: ${sec.reason}`;
    return { problem: { refused: true, message }, passwordRequired: false };
  }
  const usable = sec.types.filter((t) => CONSOLE_TYPES.includes(t));
  if (usable.length > 0) return { problem: null, passwordRequired: !usable.includes(NONE) };
  const message = sec.types.includes(VEN_CRYPT)
    ? "The VM's display requires TLS (vnc_tls in the host's qemu.conf), which the console does not speak; " +
      'use a display without TLS (it listens on the host only) or a VNC viewer with the certificates'
    : sec.types.includes(SASL)
      ? "The VM's display requires SASL authentication (vnc_sasl in the host's qemu.conf), which the console does not speak"
      : `The VM's display offers only security types the console does not speak (${sec.types.join(', ')})`;
  return { problem: { refused: false, message }, passwordRequired: false };
}

/**
 * Runs the probe on `socket` (a connection of its own, closed afterwards): resolves with what the server
 * offers, or rejects when it does not talk RFB within `timeoutMs`.
 */
export function probeRfb(socket: Duplex, timeoutMs = 5000): Promise<RfbSecurity> {
  return new Promise<RfbSecurity>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let version: '3.8' | '3.7' | '3.3' | null = null;
    let settled = false;
    const finish = (err: AppError | null, sec?: RfbSecurity) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.destroy();
      // ssh2 channels emit 'close' only once their remaining input is read.
      socket.resume();
      if (err) reject(err);
      else resolve(sec!);
    };
    const timer = setTimeout(
      () => finish(new AppError('HOST_ERROR', "The VM's display did not answer as a VNC server does")),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (version === null) {
        if (buf.length < 12) return;
        const v = rfbVersion(buf.subarray(0, 12));
        if (!v) return finish(new AppError('HOST_ERROR', "The VM's display port does not speak VNC (RFB)"));
        version = replyVersion(v);
        socket.write(`RFB 003.00${version.slice(2)}\n`);
        buf = buf.subarray(12);
      }
      const sec = parseSecurity(buf, version);
      if (sec) finish(null, sec);
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    socket.once('close', () =>
      finish(new AppError('HOST_ERROR', "The VM's display closed the connection during the handshake")),
    );
  });
}
