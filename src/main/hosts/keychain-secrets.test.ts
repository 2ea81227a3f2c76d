import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/domain/errors';
import { KeychainSecretStore, openSecretStore, secretsMode } from './keychain-secrets';

/** A keychain in memory that answers, or not, as a test says. */
class FakeKeychain extends KeychainSecretStore {
  readonly values = new Map<string, string>();
  probes = 0;
  constructor(private readonly unavailable: string | null) {
    super('qhci-test');
  }
  override probe(): string | null {
    this.probes++;
    return this.unavailable;
  }
  override get(ref: string): string | undefined {
    return this.values.get(ref);
  }
  override set(ref: string, value: string): void {
    this.values.set(ref, value);
  }
  override delete(ref: string): void {
    this.values.delete(ref);
  }
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'qhci-kc-'));

describe('openSecretStore', () => {
  it('looks for the keychain only when a secret is first needed, then uses it', () => {
    const keychain = new FakeKeychain(null);
    const dir = dataDir();
    const store = openSecretStore({ dataDir: dir, warn: () => {}, keychain });
    expect(keychain.probes).toBe(0);
    store.set('host:a:password', 'pw');
    expect(store.kind).toBe('keychain');
    expect(keychain.values.get('host:a:password')).toBe('pw');
    expect(keychain.probes).toBe(1);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
  });

  it('without a keychain keeps a plain 0600 file and announces it once, on the first stored secret', () => {
    const said: string[] = [];
    const dir = dataDir();
    const store = openSecretStore({
      dataDir: dir,
      warn: (m) => said.push(m),
      keychain: new FakeKeychain('no bus'),
    });
    expect(store.get('host:a:password')).toBeUndefined();
    expect(said).toEqual([]);
    store.set('host:a:password', 'pw');
    store.set('host:b:password', 'pw2');
    expect(store.kind).toBe('plain-file');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/No OS keychain \(no bus\).*unencrypted in .*secrets\.json/);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual({
      'host:a:password': 'pw',
      'host:b:password': 'pw2',
    });
  });

  it('without a keychain, the app encrypts into its own file and moves secrets.json there', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ 'host:cli:password': 'from-cli' }), {
      mode: 0o600,
    });
    const cipher = {
      encrypt: (v: string) => Buffer.from(v).toString('hex'),
      decrypt: (v: string) => Buffer.from(v, 'hex').toString(),
      description: 'hex (a test cipher)',
    };
    const store = openSecretStore({
      dataDir: dir,
      warn: () => {},
      keychain: new FakeKeychain('no bus'),
      encryptedFile: { file: join(dir, 'secrets.bin'), cipher },
    });
    expect(store.get('host:cli:password')).toBe('from-cli');
    expect(store.kind).toBe('encrypted-file');
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(readFileSync(join(dir, 'secrets.bin'), 'utf8')).not.toContain('from-cli');
  });

  it('QHCI_SECRETS=keychain with no keychain refuses every use with a clear error', () => {
    const store = openSecretStore({
      dataDir: dataDir(),
      mode: 'keychain',
      warn: () => {},
      keychain: new FakeKeychain('no bus'),
    });
    expect(() => store.set('k', 'v')).toThrow(AppError);
    expect(() => store.get('k')).toThrow(/QHCI_SECRETS=keychain, but the OS keychain cannot be used: no bus/);
  });

  it('reads QHCI_SECRETS', () => {
    expect(secretsMode(undefined)).toBe('auto');
    expect(secretsMode('file')).toBe('file');
    expect(secretsMode('keychain')).toBe('keychain');
    expect(() => secretsMode('plain')).toThrow(AppError);
  });
});
