import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, tempDir } from '../../../tests/helpers/app';
import { AppError } from '../../shared/domain/errors';
import { openInventory } from './db';
import { loadMigrations } from './migrate';

const dirs: string[] = [];
const fresh = () => {
  const d = tempDir('qhci-mig-');
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the shipped migrations plus extra files, as a newer QHCI would ship them. */
function migrationsWith(extra: Record<string, string>): string {
  const dir = fresh();
  for (const f of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  for (const [name, sql] of Object.entries(extra)) writeFileSync(join(dir, name), sql);
  return dir;
}

const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('migrations', () => {
  const shipped = loadMigrations(MIGRATIONS_DIR);

  it('a fresh database gets every table, STRICT, WAL, foreign keys and the default project', () => {
    const inv = openInventory({ file: join(fresh(), 'qhci.db'), migrationsDir: MIGRATIONS_DIR });
    try {
      expect(inv.migrations.applied).toEqual(shipped.map((m) => m.version));
      const names = tables(inv.db);
      for (const t of [
        'projects',
        'folders',
        'customization_specs',
        'hosts',
        'storage_pools',
        'networks',
        'images',
        'vms',
        'tasks',
        'task_steps',
        'schema_migrations',
      ]) {
        expect(names).toContain(t);
        const sql = (inv.db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(t) as { sql: string })
          .sql;
        expect(sql, t).toMatch(/\)\s*STRICT$/);
      }
      expect(inv.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(inv.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(inv.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(inv.db.prepare('SELECT path FROM folders WHERE parent_id IS NULL').all()).toEqual([
        { path: '/' },
      ]);
      const indexes = (
        inv.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]
      ).map((r) => r.name);
      for (const ix of [
        'folders_project',
        'folders_parent',
        'folders_path',
        'customization_specs_project',
        'vms_folder',
      ]) {
        expect(indexes).toContain(ix);
      }
    } finally {
      inv.close();
    }
  });

  it('re-opening applies nothing and keeps the data', () => {
    const file = join(fresh(), 'qhci.db');
    const a = openInventory({ file, migrationsDir: MIGRATIONS_DIR });
    a.db.prepare("INSERT INTO projects (id, name, created_at) VALUES ('p2', 'Second', 'now')").run();
    a.close();
    const b = openInventory({ file, migrationsDir: MIGRATIONS_DIR });
    try {
      expect(b.migrations.applied).toEqual([]);
      expect(b.migrations.current).toBe(shipped.length);
      expect(b.db.prepare("SELECT name FROM projects WHERE id = 'p2'").get()).toEqual({ name: 'Second' });
    } finally {
      b.close();
    }
  });

  it('applies a later migration on top and records it', () => {
    const file = join(fresh(), 'qhci.db');
    openInventory({ file, migrationsDir: MIGRATIONS_DIR }).close();
    const next = String(shipped.length + 1).padStart(4, '0');
    const dir = migrationsWith({ [`${next}_add_notes.sql`]: 'ALTER TABLE vms ADD COLUMN notes TEXT;' });
    const inv = openInventory({ file, migrationsDir: dir });
    try {
      expect(inv.migrations.applied).toEqual([shipped.length + 1]);
      expect(inv.db.prepare('SELECT notes FROM vms').all()).toEqual([]);
    } finally {
      inv.close();
    }
  });

  it('refuses a database written by a newer version, and leaves it untouched', () => {
    const file = join(fresh(), 'qhci.db');
    const next = String(shipped.length + 1).padStart(4, '0');
    openInventory({
      file,
      migrationsDir: migrationsWith({ [`${next}_future.sql`]: 'CREATE TABLE future (x TEXT) STRICT;' }),
    }).close();
    let error: unknown;
    try {
      openInventory({ file, migrationsDir: MIGRATIONS_DIR });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    const known = shipped.length;
    expect((error as AppError).message).toMatch(
      new RegExp(
        `written by a newer version of QHCI \\(schema ${known + 1}, ${next}_future\\.sql\\).*knows schema ${known}`,
      ),
    );
    const db = new Database(file, { readonly: true });
    expect(tables(db)).toContain('future');
    db.close();
  });

  it('refuses a database whose applied migration differs from the shipped one', () => {
    const file = join(fresh(), 'qhci.db');
    openInventory({ file, migrationsDir: MIGRATIONS_DIR }).close();
    const db = new Database(file);
    db.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").run();
    db.close();
    expect(() => openInventory({ file, migrationsDir: MIGRATIONS_DIR })).toThrow(
      /does not match the shipped 0001_init\.sql/,
    );
  });

  it('a failing migration rolls back whole and is not recorded', () => {
    const file = join(fresh(), 'qhci.db');
    const next = String(shipped.length + 1).padStart(4, '0');
    const dir = migrationsWith({
      [`${next}_broken.sql`]: 'CREATE TABLE half (x TEXT) STRICT; INSERT INTO nowhere VALUES (1);',
    });
    expect(() => openInventory({ file, migrationsDir: dir })).toThrow(/nowhere/);
    const db = new Database(file, { readonly: true });
    expect(tables(db)).not.toContain('half');
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({
      v: shipped.length,
    });
    db.close();
  });

  it('refuses a gap in the numbering', () => {
    // One number past the next free one, whatever the shipped migrations reach.
    const gap = String(loadMigrations(MIGRATIONS_DIR).length + 2).padStart(4, '0');
    const dir = migrationsWith({ [`${gap}_gap.sql`]: 'SELECT 1;' });
    expect(() => loadMigrations(dir)).toThrow(/without gaps/);
  });

  it('two connections opening the same inventory both succeed', () => {
    const file = join(fresh(), 'qhci.db');
    mkdirSync(join(file, '..'), { recursive: true });
    const a = openInventory({ file, migrationsDir: MIGRATIONS_DIR });
    const b = openInventory({ file, migrationsDir: MIGRATIONS_DIR });
    expect(a.migrations.current).toBe(b.migrations.current);
    a.close();
    b.close();
  });
});
