/** Helpers shared by the repositories: timestamps, ids and JSON columns. */
import { randomUUID } from 'node:crypto';

export const nowIso = (): string => new Date().toISOString();
export const newId = (): string => randomUUID();

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** True when better-sqlite3 reports a UNIQUE constraint failure. */
export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
