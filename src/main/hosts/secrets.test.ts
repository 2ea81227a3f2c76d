import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/domain/errors';
import { FileSecretStore } from './secrets';

const dir = () => mkdtempSync(join(tmpdir(), 'qhci-secrets-'));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('FileSecretStore', () => {
  it('keeps values in a 0600 file and reads them back', () => {
    const file = join(dir(), 'secrets.json');
    const store = new FileSecretStore(file);
    store.set('host:a:password', 'pw-a');
    store.set('host:b:password', 'pw-b');
    store.delete('host:a:password');
    expect(new FileSecretStore(file).get('host:b:password')).toBe('pw-b');
    expect(new FileSecretStore(file).get('host:a:password')).toBeUndefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('never overwrites a file it cannot parse: reads, writes and deletes raise a clear error', () => {
    const file = join(dir(), 'secrets.json');
    const garbage = '{"host:a:password": "pw-a", trailing garbage';
    writeFileSync(file, garbage, { mode: 0o600 });
    const store = new FileSecretStore(file);

    const onSet = thrown(() => store.set('host:b:password', 'pw-b'));
    expect(onSet).toBeInstanceOf(AppError);
    expect((onSet as AppError).message).toContain(file);
    expect((onSet as AppError).message).toMatch(/cannot be read/);
    expect(readFileSync(file, 'utf8')).toBe(garbage);

    expect(thrown(() => store.get('host:a:password'))).toBeInstanceOf(AppError);
    expect(thrown(() => store.delete('host:a:password'))).toBeInstanceOf(AppError);
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('refuses a file that is valid JSON but not a map of strings', () => {
    const file = join(dir(), 'secrets.json');
    writeFileSync(file, '["not", "a", "map"]', { mode: 0o600 });
    const store = new FileSecretStore(file);
    expect(thrown(() => store.set('k', 'v'))).toBeInstanceOf(AppError);
    expect(readFileSync(file, 'utf8')).toBe('["not", "a", "map"]');
  });
});
