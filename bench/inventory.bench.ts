/**
 * Opening the inventory: a fresh database (all migrations applied) and an existing one (nothing to apply),
 * beside the baseline of opening the same file with bare better-sqlite3 and the same pragmas, in one run.
 * Target: opening and migrating takes at most 100 ms.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openInventory } from '../src/main/inventory/db';

const MIGRATIONS = resolve(__dirname, '../migrations');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const TARGET_MS = 100;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: pick(0.5), p99: pick(0.99), max: s[s.length - 1]! };
}

const dir = mkdtempSync(join(tmpdir(), 'qhci-bench-'));
const fresh: number[] = [];
const reopen: number[] = [];
const bare: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const file = join(dir, `fresh-${i}.db`);
    let t0 = performance.now();
    openInventory({ file, migrationsDir: MIGRATIONS }).close();
    fresh.push(performance.now() - t0);

    t0 = performance.now();
    openInventory({ file, migrationsDir: MIGRATIONS }).close();
    reopen.push(performance.now() - t0);

    t0 = performance.now();
    const db = new Database(file);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.prepare('SELECT count(*) FROM schema_migrations').get();
    db.close();
    bare.push(performance.now() - t0);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = [
  ['open + migrate, fresh database', stats(fresh)],
  ['open + migrate, existing database', stats(reopen)],
  ['baseline: bare better-sqlite3 open + pragmas', stats(bare)],
] as const;
const f = (n: number) => n.toFixed(2).padStart(8);
console.log(`\nInventory open (${RUNS} runs each, ms)\n`);
console.log(`${'case'.padEnd(46)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
for (const [name, s] of rows) console.log(`${name.padEnd(46)}${f(s.p50)}${f(s.p99)}${f(s.max)}`);
const worst = Math.max(stats(fresh).p99, stats(reopen).p99);
console.log(
  `\ntarget: open + migrate <= ${TARGET_MS} ms (p99)  ->  ${worst <= TARGET_MS ? 'MET' : 'MISSED'} (${worst.toFixed(2)} ms)`,
);
console.log(
  `overhead over bare open (existing db, p50): ${(stats(reopen).p50 - stats(bare).p50).toFixed(2)} ms`,
);
if (worst > TARGET_MS) process.exitCode = 1;
