/** Application settings: a key → JSON value table. */
import type { Db } from './db';
import { nowIso, parseJson } from './rows';

export function createSettingsRepo(db: Db) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const put = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const del = db.prepare('DELETE FROM settings WHERE key = ?');
  return {
    get<T>(key: string, fallback: T): T {
      return parseJson<T>(get.get(key)?.value, fallback);
    },
    set(key: string, value: unknown): void {
      if (value === null || value === undefined) del.run(key);
      else put.run(key, JSON.stringify(value), nowIso());
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
