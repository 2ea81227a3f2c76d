import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInventory, type Inventory } from './db';
import { createTemplateBasesRepo, type TemplateBasesRepo } from './template-bases.repo';
import { createVmsRepo } from './vms.repo';

const PROJECT = '00000000-0000-4000-8000-000000000001';

describe("a template's base copies on other hosts", () => {
  let inv: Inventory;
  let bases: TemplateBasesRepo;
  let templateId = '';

  beforeEach(() => {
    inv = openInventory({ file: ':memory:', migrationsDir: join(__dirname, '../../../migrations') });
    const now = new Date().toISOString();
    for (const id of ['h1', 'h2']) {
      inv.db
        .prepare(
          `INSERT INTO hosts (id, project_id, name, kind, uri, created_at, updated_at)
           VALUES (?, ?, ?, 'libvirt', 'qemu:///system', ?, ?)`,
        )
        .run(id, PROJECT, id, now, now);
    }
    templateId = createVmsRepo(inv.db).insert({ projectId: PROJECT, name: 'base' }).id;
    bases = createTemplateBasesRepo(inv.db);
  });
  afterEach(() => inv.close());

  const base = (hostId: string, target: string, sha256 = 'a'.repeat(64)) => ({
    templateId,
    hostId,
    target,
    pool: 'default',
    path: `/var/lib/libvirt/images/base-base-${target}.qcow2`,
    sha256,
  });

  it('records one verified copy per host and disk, replacing an older record of the same one', () => {
    bases.record(base('h2', 'vda'));
    bases.record(base('h2', 'vdb'));
    bases.record(base('h1', 'vda'));
    expect(bases.get(templateId, 'h2', 'vda')).toMatchObject(base('h2', 'vda'));
    expect(bases.get(templateId, 'h2', 'vdc')).toBeUndefined();
    bases.record(base('h2', 'vda', 'b'.repeat(64)));
    expect(bases.get(templateId, 'h2', 'vda')?.sha256).toBe('b'.repeat(64));
    expect(bases.ofTemplate(templateId).map((b) => `${b.hostId}/${b.target}`)).toEqual([
      'h1/vda',
      'h2/vda',
      'h2/vdb',
    ]);
  });

  it('forgets a copy found gone, and all of them with their template or their host', () => {
    bases.record(base('h1', 'vda'));
    bases.record(base('h2', 'vda'));
    expect(bases.forget(templateId, 'h1', 'vda')).toBe(true);
    expect(bases.forget(templateId, 'h1', 'vda')).toBe(false);
    inv.db.prepare('DELETE FROM hosts WHERE id = ?').run('h2');
    expect(bases.ofTemplate(templateId)).toEqual([]);
    bases.record(base('h1', 'vdb'));
    inv.db.prepare('DELETE FROM vms WHERE id = ?').run(templateId);
    expect(bases.ofTemplate(templateId)).toEqual([]);
  });
});
