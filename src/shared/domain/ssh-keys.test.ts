import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ecdsaKey, ed25519Key, rsaKey, skEd25519Key } from '../../../tests/helpers/ssh-keys';
import { parseSshPublicKey } from './ssh-keys';

const dir = mkdtempSync(join(tmpdir(), 'qhci-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ssh-keygen's own reading of a public key: "<bits> SHA256:… comment (TYPE)". */
function keygenBits(key: string): number {
  const file = join(dir, `k${Math.random().toString(36).slice(2)}.pub`);
  writeFileSync(file, `${key}\n`);
  return Number(execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' }).split(' ')[0]);
}

describe('parseSshPublicKey', () => {
  it('accepts ed25519 keys (the seed rejected them), as ssh-keygen reads them', () => {
    const key = ed25519Key('admin@example');
    const r = parseSshPublicKey(key);
    expect(r).toMatchObject({ ok: true, key: { type: 'ssh-ed25519', bits: 256, comment: 'admin@example' } });
    expect(keygenBits(key)).toBe(256);
  });

  it('accepts a key made by ssh-keygen itself', () => {
    const file = join(dir, 'real');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'made by ssh-keygen', '-f', file]);
    const pub = execFileSync('cat', [`${file}.pub`], { encoding: 'utf8' });
    expect(parseSshPublicKey(pub)).toMatchObject({ ok: true, key: { comment: 'made by ssh-keygen' } });
  });

  it('accepts rsa keys of 2048 bits and more, and refuses smaller ones with the size', () => {
    const ok = rsaKey(2048);
    expect(keygenBits(ok)).toBe(2048);
    expect(parseSshPublicKey(ok)).toMatchObject({ ok: true, key: { type: 'ssh-rsa', bits: 2048 } });
    const small = rsaKey(1024);
    expect(parseSshPublicKey(small)).toEqual({
      ok: false,
      reason: 'RSA keys must have at least 2048 bits; this one has 1024',
    });
  });

  it('accepts ecdsa keys on each NIST curve and sk- keys', () => {
    for (const [curve, bits] of [
      ['P-256', 256],
      ['P-384', 384],
      ['P-521', 521],
    ] as const) {
      const key = ecdsaKey(curve);
      expect(keygenBits(key)).toBe(bits);
      expect(parseSshPublicKey(key)).toMatchObject({ ok: true, key: { bits } });
    }
    expect(parseSshPublicKey(skEd25519Key())).toMatchObject({
      ok: true,
      key: { type: 'sk-ssh-ed25519@openssh.com' },
    });
  });

  it('refuses DSA, unknown types, private keys, bad base64 and mismatched blobs with a reason', () => {
    const ed = ed25519Key();
    const blob = ed.split(' ')[1]!;
    const cases: [string, RegExp][] = [
      ['ssh-dss AAAAB3NzaC1kc3M=', /DSA keys are not accepted/],
      ['ssh-foo AAAA', /Unsupported key type/],
      ['-----BEGIN OPENSSH PRIVATE KEY-----', /private key/],
      ['ssh-ed25519', /data is missing/],
      ['ssh-ed25519 not*base64', /not valid base64/],
      [`ssh-rsa ${blob}`, /is for "ssh-ed25519", not "ssh-rsa"/],
      [`ssh-ed25519 ${blob.slice(0, 40)}`, /malformed|base64/],
      ['', /empty/],
      [`${ed}\nssh-ed25519 ${blob}`, /single line/],
    ];
    for (const [input, reason] of cases) {
      const r = parseSshPublicKey(input);
      expect(r.ok, input).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 200 }), (text, bytes) => {
        parseSshPublicKey(text);
        parseSshPublicKey(`ssh-rsa ${Buffer.from(bytes).toString('base64')}`);
        parseSshPublicKey(`ssh-ed25519 ${Buffer.from(bytes).toString('base64')}`);
        parseSshPublicKey(`ecdsa-sha2-nistp256 ${Buffer.from(bytes).toString('base64')}`);
      }),
      { numRuns: 500 },
    );
  });
});
