import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PRIVATE_KEY_BYTES, readPrivateKey } from './credentials';

const dir = mkdtempSync(join(tmpdir(), 'qhci-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a private key file', () => {
  it('reads a small regular file', () => {
    writeFileSync(join(dir, 'id'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    expect(readPrivateKey(join(dir, 'id'))).toContain('BEGIN OPENSSH');
  });

  it('refuses what is not a key file, without reading it (a /dev/zero key crashed the process)', () => {
    writeFileSync(join(dir, 'big'), Buffer.alloc(MAX_PRIVATE_KEY_BYTES + 1));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => readPrivateKey('/dev/zero')).toThrow(/not a regular file/);
    expect(() => readPrivateKey(join(dir, 'fifo'))).toThrow(/not a regular file/);
    expect(() => readPrivateKey(dir)).toThrow(/not a regular file/);
    expect(() => readPrivateKey(join(dir, 'big'))).toThrow(/too big for a key/);
    expect(() => readPrivateKey(join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});
