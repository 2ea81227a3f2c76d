import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/domain/errors';
import type { Db } from './db-handle';
import { migrate, type MigrationReport } from './migrate';

export type { Db } from './db-handle';

export interface OpenOptions {
  /** A file path, or ':memory:'. */
  readonly file: string;
  readonly migrationsDir: string;
  readonly readonly?: boolean;
}

export interface Inventory {
  readonly db: Db;
  readonly migrations: MigrationReport;
  close(): void;
}

/** Opens the inventory: WAL, foreign keys, a busy timeout, then applies pending migrations. */
export function openInventory(opts: OpenOptions): Inventory {
  if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
  const isNew = opts.file !== ':memory:' && !existsSync(opts.file);
  let db: Db;
  try {
    db = new Database(opts.file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new AppError('INTERNAL', `Cannot open the inventory at ${opts.file}: ${(err as Error).message}`);
  }
  // The inventory is private to its user (SQLite gives the WAL and shm files the same mode).
  if (isNew) chmodSync(opts.file, 0o600);
  try {
    db.pragma('busy_timeout = 5000');
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const migrations = opts.readonly ? { applied: [], current: 0 } : migrate(db, opts.migrationsDir);
    return { db, migrations, close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Runs fn in one IMMEDIATE transaction: all of its writes land, or none. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
