/**
 * Crash tests: an operation run by tests/helpers/op-child.ts in its own process, which SIGKILLs itself at a
 * step's start or right after the step's first undo record is on disk; then the inventory reopened as the
 * next app would open it (it reconciles at once).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApp, type App } from '../../src/main/app';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import { processIsAlive } from '../../src/main/tasks/ownership';
import type { Task } from '../../src/shared/domain/provision';
import { createClient, type QhciClient } from '../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, REPO_ROOT } from './app';
import type { ChildOp } from './op-child';
import { waitTask } from './provision';

export type Point = readonly [step: string, at: 'start' | 'undo' | `start+${number}`];

/** Runs the operation in a child that kills itself at the point; resolves with its last line once it is gone. */
export async function crashAt(dataDir: string, op: ChildOp, [step, at]: Point): Promise<string> {
  const child = spawn(
    join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [join(REPO_ROOT, 'tests/helpers/op-child.ts'), dataDir, JSON.stringify(op), step, at],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  let pid = 0;
  let last = '';
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const m = /^PID (\d+)$/.exec(l);
    if (m) pid = Number(m[1]);
    else last = l;
  });
  await new Promise((r) => child.on('close', r));
  const deadline = Date.now() + 10_000;
  while (pid && processIsAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return last;
}

/** Opens the inventory as the next app would: it reconciles at once. */
export async function reopen(dataDir: string): Promise<{ app: App; client: QhciClient }> {
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'test', reconcileEveryMs: 0 });
  await app.ready;
  return { app, client: createClient(inProcessBridge(app)) };
}

/** The newest task of a kind, once it has finished. */
export async function lastTask(client: QhciClient, kind: string): Promise<Task> {
  const t = (await client.call('tasks.list', {})).find((x) => x.kind === kind);
  if (!t) throw new Error(`no ${kind} task`);
  return waitTask(client, t.id, 5000);
}
