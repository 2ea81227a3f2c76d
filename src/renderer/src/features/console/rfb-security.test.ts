import { describe, expect, it } from 'vitest';
import { handshakeFailure, parseOffered, SecuritySniffer, verdictOf } from './rfb-security';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('SecuritySniffer', () => {
  it('reads the offered types of an RFB 3.8 server across chunks', () => {
    const s = new SecuritySniffer();
    s.feed(Uint8Array.from(ascii('RFB 003.0')));
    expect(s.offered).toBeNull();
    s.feed(Uint8Array.from([...ascii('08\n'), 2, 1]));
    expect(s.offered).toBeNull();
    s.feed(Uint8Array.of(2));
    expect(s.offered).toEqual([1, 2]);
    expect(s.verdict).toBe('ok');
  });

  it('says "TLS only" for a display that offers nothing but VeNCrypt (QEMU with vnc_tls)', () => {
    const s = new SecuritySniffer();
    s.feed(Uint8Array.from([...ascii('RFB 003.008\n'), 1, 19]));
    expect(s.verdict).toBe('tls-only');
    expect(handshakeFailure(s.verdict)).toMatch(/TLS displays are not supported/);
  });

  it('reads the single type of an RFB 3.3 server', () => {
    expect(parseOffered(Uint8Array.from([...ascii('RFB 003.003\n'), 0, 0, 0, 2]))).toEqual([2]);
  });

  it('knows nothing of a stream that is not RFB, and blames nothing on it', () => {
    expect(parseOffered(Uint8Array.from(ascii('HTTP/1.1 400 ')))).toEqual([]);
    expect(verdictOf([])).toBe('unknown');
    expect(verdictOf([20])).toBe('sasl-only');
    expect(handshakeFailure('unknown')).toBeNull();
  });
});
