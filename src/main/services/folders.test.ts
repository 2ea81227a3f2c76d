import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/helpers/app';
import { AppError } from '../../shared/domain/errors';
import type { FolderNode } from '../../shared/domain/folder';
import { DEFAULT_PROJECT_ID } from '../../shared/domain/names';

let t: TestApp;
beforeEach(() => (t = startTestApp()));
afterEach(() => t.dispose());

const create = (name: string, parentId?: string) =>
  t.client.call('folders.create', parentId === undefined ? { name } : { name, parentId });
const paths = async () => {
  const out: string[] = [];
  const walk = (n: FolderNode) => {
    out.push(n.path);
    n.children.forEach(walk);
  };
  walk(await t.client.call('folders.tree', {}));
  return out.sort();
};
async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError');
}

describe('folders', () => {
  it('every project has a root "/" and nested folders derive their paths', async () => {
    const prod = await create('Production');
    const web = await create('Web', prod.id);
    const api = await create('API', web.id);
    expect([prod.path, web.path, api.path]).toEqual([
      '/Production',
      '/Production/Web',
      '/Production/Web/API',
    ]);
    const tree = await t.client.call('folders.tree', { projectId: 'default' });
    expect(tree.path).toBe('/');
    expect(tree.parentId).toBeNull();
    expect(tree.children[0]!.children[0]!.children[0]!.name).toBe('API');
    expect(await t.client.call('folders.get', { id: api.id })).toMatchObject({
      parentId: web.id,
      projectId: DEFAULT_PROJECT_ID,
    });
  });

  it('"" and "default" both mean the default project; an unknown project is NOT_FOUND', async () => {
    const a = await t.client.call('folders.create', { projectId: '', name: 'A' });
    const b = await t.client.call('folders.create', { projectId: 'default', name: 'B' });
    expect(a.projectId).toBe(DEFAULT_PROJECT_ID);
    expect(b.projectId).toBe(DEFAULT_PROJECT_ID);
    const err = await rejects(t.client.call('folders.tree', { projectId: 'nope' }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'projectId' });
  });

  it('renaming rewrites every descendant path', async () => {
    const prod = await create('Production');
    const web = await create('Web', prod.id);
    await create('API', web.id);
    await create('Prod2');
    await t.client.call('folders.rename', { id: prod.id, name: 'Live' });
    expect(await paths()).toEqual(['/', '/Live', '/Live/Web', '/Live/Web/API', '/Prod2']);
  });

  it('moving rewrites every descendant path, and never touches look-alike prefixes', async () => {
    const a = await create('a');
    const ab = await create('b', a.id);
    await create('c', ab.id);
    await create('a b'); // shares the prefix "/a" but is not below it
    const pct = await create('%_'); // LIKE wildcards are plain characters
    await create('x', pct.id);
    const dest = await create('dest');
    await t.client.call('folders.move', { id: a.id, parentId: dest.id });
    await t.client.call('folders.move', { id: pct.id, parentId: dest.id });
    expect(await paths()).toEqual([
      '/',
      '/a b',
      '/dest',
      '/dest/%_',
      '/dest/%_/x',
      '/dest/a',
      '/dest/a/b',
      '/dest/a/b/c',
    ]);
  });

  it('refuses to move a folder under itself or its descendants, and changes nothing', async () => {
    const a = await create('a');
    const b = await create('b', a.id);
    const before = await paths();
    expect(await rejects(t.client.call('folders.move', { id: a.id, parentId: b.id }))).toMatchObject({
      code: 'VALIDATION',
      field: 'parentId',
    });
    expect(await rejects(t.client.call('folders.move', { id: a.id, parentId: a.id }))).toMatchObject({
      code: 'VALIDATION',
    });
    expect(await paths()).toEqual(before);
  });

  it('the root cannot be renamed, moved or deleted', async () => {
    const root = await t.client.call('folders.tree', {});
    const other = await create('o');
    await expect(t.client.call('folders.rename', { id: root.id, name: 'x' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(t.client.call('folders.move', { id: root.id, parentId: other.id })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(t.client.call('folders.delete', { id: root.id })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('a duplicate name among siblings is a CONFLICT (case-insensitive), elsewhere it is fine', async () => {
    const p = await create('Production');
    await create('Web', p.id);
    expect(await rejects(create('web', p.id))).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await rejects(create('Production'))).toMatchObject({ code: 'CONFLICT' });
    await create('Web'); // same name, other parent
    const other = await create('Other', p.id);
    expect(await rejects(t.client.call('folders.rename', { id: other.id, name: 'WEB' }))).toMatchObject({
      code: 'CONFLICT',
    });
    const web = (await t.client.call('folders.tree', {})).children.find((c) => c.name === 'Web')!;
    expect(await rejects(t.client.call('folders.move', { id: web.id, parentId: p.id }))).toMatchObject({
      code: 'CONFLICT',
    });
    // Changing only the case of one's own name is allowed.
    expect((await t.client.call('folders.rename', { id: other.id, name: 'OTHER' })).path).toBe(
      '/Production/OTHER',
    );
  });

  it('names are trimmed, 1-255 characters, without "/", ".", ".." or control characters', async () => {
    expect((await create('  Spaced  ')).name).toBe('Spaced');
    const bad = ['', '   ', 'a/b', '.', '..', 'x'.repeat(256), 'tab\there', 'nul\u0000'];
    for (const name of bad) {
      const err = await rejects(create(name));
      expect(err, JSON.stringify(name)).toMatchObject({ code: 'VALIDATION', field: 'name' });
    }
    expect((await create('x'.repeat(255))).name).toHaveLength(255);
    for (const hostile of [
      "Robert'); DROP TABLE folders;--",
      '$(rm -rf ~)',
      '<img src=x onerror=alert(1)>',
      '`id`; echo "x"',
      'ünïcødé 📁',
      '..hidden',
    ]) {
      expect((await create(hostile)).path).toBe(`/${hostile}`);
    }
  });

  it('delete cascades to subfolders; VMs inside stay in the inventory with their folder cleared', async () => {
    const p = await create('Production');
    const web = await create('Web', p.id);
    const keep = await create('Keep');
    const vm1 = t.app.repos.vms.insert({ projectId: DEFAULT_PROJECT_ID, name: 'vm1', folderId: web.id });
    const vm2 = t.app.repos.vms.insert({ projectId: DEFAULT_PROJECT_ID, name: 'vm2', folderId: p.id });
    const vm3 = t.app.repos.vms.insert({ projectId: DEFAULT_PROJECT_ID, name: 'vm3', folderId: keep.id });
    const result = await t.client.call('folders.delete', { id: p.id });
    expect(result).toEqual({ deletedFolders: 2, unassignedVms: 2 });
    expect(await paths()).toEqual(['/', '/Keep']);
    const vms = await t.client.call('vms.list', {});
    expect(vms.map((v) => [v.id, v.folderId])).toEqual(
      expect.arrayContaining([
        [vm1.id, null],
        [vm2.id, null],
        [vm3.id, keep.id],
      ]),
    );
    await expect(t.client.call('folders.get', { id: web.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('moves many VMs at once, all or none', async () => {
    const a = await create('A');
    const b = await create('B');
    const ids = Array.from(
      { length: 50 },
      (_, i) => t.app.repos.vms.insert({ projectId: DEFAULT_PROJECT_ID, name: `vm${i}`, folderId: a.id }).id,
    );
    expect(await t.client.call('vms.moveToFolder', { vmIds: ids, folderId: b.id })).toEqual({ moved: 50 });
    expect((await t.client.call('vms.list', { folderId: b.id })).length).toBe(50);
    const tree = await t.client.call('folders.tree', {});
    expect(tree.children.find((c) => c.name === 'B')!.vmCount).toBe(50);
    // One unknown id: nothing moves.
    const err = await rejects(
      t.client.call('vms.moveToFolder', {
        vmIds: [...ids, '11111111-1111-4111-8111-111111111111'],
        folderId: a.id,
      }),
    );
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'vmIds' });
    expect((await t.client.call('vms.list', { folderId: b.id })).length).toBe(50);
    expect(await t.client.call('vms.moveToFolder', { vmIds: ids.slice(0, 3), folderId: null })).toEqual({
      moved: 3,
    });
  });

  it('a folder of another project is refused as a parent or VM destination', async () => {
    const other = await t.client.call('projects.create', { name: 'Lab' });
    const labRoot = await t.client.call('folders.tree', { projectId: other.id });
    expect(labRoot.path).toBe('/');
    const labFolder = await t.client.call('folders.create', { projectId: other.id, name: 'Bench' });
    await expect(
      t.client.call('folders.create', { name: 'x', parentId: labFolder.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'parentId' });
    const mine = await create('Mine');
    await expect(
      t.client.call('folders.move', { id: mine.id, parentId: labFolder.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    const vm = t.app.repos.vms.insert({ projectId: DEFAULT_PROJECT_ID, name: 'vm' });
    await expect(
      t.client.call('vms.moveToFolder', { vmIds: [vm.id], folderId: labFolder.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('pushes inventory.changed events for folder changes', async () => {
    const seen: unknown[] = [];
    const off = t.client.on('inventory.changed', (p) => seen.push(p));
    await create('Evented');
    off();
    await create('Silent');
    expect(seen).toEqual([{ entity: 'folders', projectId: DEFAULT_PROJECT_ID }]);
  });
});
