import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/helpers/app';
import { ed25519Key, rsaKey } from '../../../tests/helpers/ssh-keys';
import type { SpecCreate } from '../../shared/domain/spec';
import { verifyPassword } from '../cloudinit/password';

let t: TestApp;
beforeEach(() => (t = startTestApp()));
afterEach(() => t.dispose());

const PASSWORD = 'Sup3r-Secret-Plaintext-7f3a9c';
const base = (over: Partial<SpecCreate> = {}): SpecCreate => ({
  name: 'Linux-Production',
  osFamily: 'linux',
  timezone: 'America/New_York',
  hostnameTemplate: '{{.VMName}}-{{.Random}}',
  installAgent: true,
  sshKeys: [ed25519Key('ops@example')],
  adminPassword: PASSWORD,
  ...over,
});

const storedHash = (id: string) =>
  (
    t.app.inventory.db
      .prepare('SELECT admin_password_hash AS h FROM customization_specs WHERE id = ?')
      .get(id) as { h: string | null }
  ).h;

describe('customization specs', () => {
  it('creates a spec with defaults filled and says only whether a password is set', async () => {
    const spec = await t.client.call('specs.create', base());
    expect(spec).toMatchObject({
      name: 'Linux-Production',
      osFamily: 'linux',
      timezone: 'America/New_York',
      installAgent: true,
      adminPasswordSet: true,
      description: '',
      labels: {},
    });
    expect(JSON.stringify(spec)).not.toContain(PASSWORD);
    expect(JSON.stringify(spec)).not.toContain('$6$');
    expect(Object.keys(spec)).not.toContain('adminPassword');
    expect(verifyPassword(PASSWORD, storedHash(spec.id)!)).toBe(true);
    expect(await t.client.call('specs.list', {})).toEqual([spec]);
  });

  it('never writes the plaintext password to the database file or its WAL', async () => {
    const spec = await t.client.call('specs.create', base());
    await t.client.call('specs.update', { id: spec.id, adminPassword: `${PASSWORD}-2` });
    await t.client.call('specs.duplicate', { id: spec.id, name: 'Copy' });
    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('qhci.db'));
    expect(files).toEqual(expect.arrayContaining(['qhci.db', 'qhci.db-wal']));
    for (const f of files) {
      const bytes = readFileSync(join(t.dataDir, f));
      expect(bytes.includes(Buffer.from(PASSWORD)), f).toBe(false);
      expect(bytes.includes(Buffer.from(PASSWORD, 'utf16le')), f).toBe(false);
    }
    // And the hash is there, so the search would have found a plaintext column.
    const all = Buffer.concat(files.map((f) => readFileSync(join(t.dataDir, f))));
    expect(all.includes(Buffer.from(storedHash(spec.id)!))).toBe(true);
  });

  it('update keeps, replaces or removes the password', async () => {
    const spec = await t.client.call('specs.create', base());
    const h1 = storedHash(spec.id)!;
    await t.client.call('specs.update', { id: spec.id, description: 'kept' });
    expect(storedHash(spec.id)).toBe(h1);
    await t.client.call('specs.update', { id: spec.id, adminPassword: 'another-password' });
    expect(verifyPassword('another-password', storedHash(spec.id)!)).toBe(true);
    const cleared = await t.client.call('specs.update', { id: spec.id, adminPassword: null });
    expect(cleared.adminPasswordSet).toBe(false);
    expect(storedHash(spec.id)).toBeNull();
  });

  it('validates time zones, templates, keys and documents, naming the field', async () => {
    const cases: [Partial<SpecCreate>, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ hostnameTemplate: '{{.Nope}}' }, 'hostnameTemplate'],
      [{ hostnameTemplate: '{{.VMName}}_bad' }, 'hostnameTemplate'],
      [{ sshKeys: ['ssh-rsa AAAA'] }, 'sshKeys.0'],
      [{ sshKeys: [ed25519Key(), rsaKey(1024)] }, 'sshKeys.1'],
      [{ userData: 'packages: [x]' }, 'userData'],
      [{ networkConfig: 'version: 9' }, 'networkConfig'],
      [{ adminPassword: 'short' }, 'adminPassword'],
      [{ osFamily: 'beos' as never }, 'osFamily'],
      [{ name: ' ' }, 'name'],
      [{ labels: { 'Bad Key': 'x' } }, 'labels.Bad Key'],
    ];
    for (const [over, field] of cases) {
      await expect(t.client.call('specs.create', base(over)), field).rejects.toMatchObject({
        code: 'VALIDATION',
        field,
      });
    }
    expect(await t.client.call('specs.list', {})).toEqual([]);
  });

  it('accepts ed25519 and rsa keys, normalises them and refuses the same key twice', async () => {
    const ed = ed25519Key('me@laptop');
    const rsa = rsaKey(3072, 'me@desktop');
    const spec = await t.client.call(
      'specs.create',
      base({ sshKeys: [`  ${ed.replace(' ', '   ')}  `, rsa] }),
    );
    expect(spec.sshKeys).toEqual([ed, rsa]);
    const same = ed.replace('me@laptop', 'other comment');
    await expect(
      t.client.call('specs.create', base({ name: 'dup', sshKeys: [ed, same] })),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'sshKeys.1',
      message: expect.stringContaining('already listed as key 1'),
    });
  });

  it('names are unique per project (case-insensitive) and duplicate makes a full copy', async () => {
    const spec = await t.client.call('specs.create', base({ labels: { env: 'prod' } }));
    await expect(t.client.call('specs.create', base({ name: 'linux-production' }))).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    const copy = await t.client.call('specs.duplicate', { id: spec.id, name: 'Linux-Staging' });
    expect(copy).toMatchObject({
      ...spec,
      id: copy.id,
      name: 'Linux-Staging',
      createdAt: copy.createdAt,
      updatedAt: copy.updatedAt,
    });
    expect(storedHash(copy.id)).toBe(storedHash(spec.id));
    await expect(
      t.client.call('specs.duplicate', { id: spec.id, name: 'LINUX-STAGING' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      t.client.call('specs.update', { id: copy.id, name: 'Linux-Production' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await t.client.call('projects.create', { name: 'Lab' });
    await t.client.call('specs.create', base({ projectId: other.id })); // same name, other project
  });

  it('delete removes it; unknown ids are NOT_FOUND', async () => {
    const spec = await t.client.call('specs.create', base());
    expect(await t.client.call('specs.delete', { id: spec.id })).toEqual({ deleted: true });
    await expect(t.client.call('specs.get', { id: spec.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(t.client.call('specs.delete', { id: spec.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(t.client.call('specs.update', { id: spec.id, description: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
