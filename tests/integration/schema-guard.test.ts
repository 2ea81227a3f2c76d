/**
 * Guards against removing or renaming a table or column by accident: every column recorded in
 * tests/fixtures/schema-guard.json must still exist after all migrations. Additions are fine; record them
 * with QHCI_UPDATE_SCHEMA_GUARD=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT, startTestApp } from '../helpers/app';

const GUARD = join(REPO_ROOT, 'tests/fixtures/schema-guard.json');
const t = startTestApp();
afterAll(() => t.dispose());

it('no table or column recorded in the schema guard has disappeared', () => {
  const db = t.app.inventory.db;
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  const now: Record<string, string[]> = {};
  for (const table of tables) {
    now[table] = (
      db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[]
    ).map((r) => r.name);
  }
  if (process.env.QHCI_UPDATE_SCHEMA_GUARD === '1') writeFileSync(GUARD, `${JSON.stringify(now, null, 2)}\n`);
  const recorded = JSON.parse(readFileSync(GUARD, 'utf8')) as Record<string, string[]>;
  expect(Object.keys(recorded).length).toBeGreaterThan(5);
  for (const [table, columns] of Object.entries(recorded)) {
    expect(now[table], `table ${table} was removed`).toBeDefined();
    for (const c of columns) expect(now[table], `column ${table}.${c} was removed`).toContain(c);
  }
});
