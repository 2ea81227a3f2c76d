import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { judgeSecurity, parseSecurity, probeRfb, replyVersion, rfbVersion } from './rfb-probe';

/** A fake VNC server end: `script` answers each write the probe makes. */
function server(greeting: string, answer: Buffer): { socket: Duplex; written: string[] } {
  const written: string[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk.toString('latin1'));
      this.push(answer);
      cb();
    },
  });
  socket.push(Buffer.from(greeting, 'latin1'));
  return { socket, written };
}

describe('the RFB probe', () => {
  it('reads the greeting and answers with the highest version both speak', () => {
    expect(rfbVersion(Buffer.from('RFB 003.008\n'))).toEqual({ major: 3, minor: 8 });
    expect(rfbVersion(Buffer.from('SSH-2.0-Open'))).toBeNull();
    expect(replyVersion({ major: 3, minor: 889 })).toBe('3.8');
    expect(replyVersion({ major: 3, minor: 7 })).toBe('3.7');
    expect(replyVersion({ major: 3, minor: 5 })).toBe('3.3');
  });

  it('parses the security types, a refusal, and waits for more bytes', () => {
    expect(parseSecurity(Buffer.from([1, 2]), '3.8')).toEqual({ kind: 'types', types: [2] });
    expect(parseSecurity(Buffer.from([2, 19]), '3.8')).toBeNull();
    const reason = Buffer.from('Too many security failures');
    const refusal = Buffer.concat([Buffer.from([0, 0, 0, 0, reason.length]), reason]);
    expect(parseSecurity(refusal, '3.8')).toEqual({ kind: 'refused', reason: 'Too many security failures' });
    expect(parseSecurity(refusal.subarray(0, 8), '3.8')).toBeNull();
    expect(parseSecurity(Buffer.from([0, 0, 0, 1]), '3.3')).toEqual({ kind: 'types', types: [1] });
  });

  it('says whether a password is needed, and refuses TLS and SASL only displays in words', () => {
    expect(judgeSecurity({ kind: 'types', types: [1] })).toEqual({ problem: null, passwordRequired: false });
    expect(judgeSecurity({ kind: 'types', types: [2] })).toEqual({ problem: null, passwordRequired: true });
    expect(judgeSecurity({ kind: 'types', types: [19] }).problem?.message).toMatch(/requires TLS/);
    expect(judgeSecurity({ kind: 'types', types: [20] }).problem?.message).toMatch(/SASL/);
    expect(judgeSecurity({ kind: 'refused', reason: 'no' }).problem).toEqual({
      refused: true,
      message: "The VM's display refused the connection: no",
    });
  });

  it('talks to a server: greeting, version, types, then closes its connection', async () => {
    const { socket, written } = server('RFB 003.008\n', Buffer.from([1, 2]));
    await expect(probeRfb(socket)).resolves.toEqual({ kind: 'types', types: [2] });
    expect(written).toEqual(['RFB 003.008\n']);
    expect(socket.destroyed).toBe(true);
  });

  it('fails clearly on a port that does not speak RFB, or says nothing', async () => {
    await expect(probeRfb(server('HTTP/1.1 400', Buffer.alloc(0)).socket)).rejects.toThrow(
      /does not speak VNC/,
    );
    const silent = new Duplex({ read() {}, write: (_c, _e, cb) => cb() });
    await expect(probeRfb(silent, 50)).rejects.toThrow(/did not answer as a VNC server/);
  });
});
