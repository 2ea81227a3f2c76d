import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/domain/errors';
import type { Db } from './db-handle';

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  /** Versions applied by this call. */
  readonly applied: readonly number[];
  /** The schema version now in force. */
  readonly current: number;
}

export function loadMigrations(dir: string): Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (err) {
    throw new AppError('INTERNAL', `Cannot read the migrations folder ${dir}: ${(err as Error).message}`);
  }
  const migrations: Migration[] = [];
  for (const file of files.sort()) {
    const m = FILE_RE.exec(file);
    if (!m) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    migrations.push({
      version: Number(m[1]),
      name: m[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((mig, i) => {
    if (mig.version !== i + 1) {
      throw new AppError(
        'INTERNAL',
        `Migrations must be numbered 0001, 0002, … without gaps; found ${file(mig)}`,
      );
    }
  });
  return migrations;
}

function file(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}.sql`;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies the shipped migrations that are not yet applied, each in its own transaction.
 * Refuses a database whose applied migrations are not an exact prefix of the shipped ones
 * (written by a newer QHCI, or by an edited migration).
 */
export function migrate(
  db: Db,
  dir: string,
  shipped: readonly Migration[] = loadMigrations(dir),
): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const appliedNow: number[] = [];
  const readApplied = () =>
    db
      .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
      .all() as AppliedRow[];

  const check = (applied: AppliedRow[]) => {
    if (applied.length > shipped.length) {
      const newest = applied[applied.length - 1]!;
      throw new AppError(
        'CONFLICT',
        `This inventory was written by a newer version of QHCI (schema ${newest.version}, ${file(newest)}); ` +
          `this version knows schema ${shipped.length}. Upgrade QHCI or open another data directory.`,
      );
    }
    applied.forEach((row, i) => {
      const mine = shipped[i]!;
      if (row.version !== mine.version || row.name !== mine.name || row.checksum !== mine.checksum) {
        throw new AppError(
          'CONFLICT',
          `This inventory's migration ${file(row)} does not match the shipped ${file(mine)}; ` +
            'it was written by a different version of QHCI and cannot be opened safely.',
        );
      }
    });
  };

  const before = readApplied();
  check(before);
  for (const mig of shipped.slice(before.length)) {
    // Re-check inside the write lock: another process may have migrated meanwhile.
    db.transaction(() => {
      const applied = readApplied();
      check(applied);
      if (applied.some((r) => r.version === mig.version)) return;
      db.exec(mig.sql);
      db.prepare(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
      ).run(mig.version, mig.name, mig.checksum, new Date().toISOString());
      appliedNow.push(mig.version);
    }).immediate();
  }
  return { applied: appliedNow, current: shipped.length };
}
