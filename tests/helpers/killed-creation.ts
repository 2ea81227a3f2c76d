/**
 * A creation run by another process (tests/helpers/create-child.ts) and killed while it waits for the
 * guest, for tests of what the next start does with the unfinished task.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApp } from '../../src/main/app';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import type { CreateVmRequestInput } from '../../src/shared/domain/provision';
import { createClient } from '../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, REPO_ROOT } from './app';

/** Starts the creation in a child process on dataDir; resolves with the child and its task's id. */
export async function startCreateChild(
  dataDir: string,
  request: CreateVmRequestInput,
): Promise<{ child: ChildProcess; taskId: string }> {
  const child = spawn(
    join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [join(REPO_ROOT, 'tests/helpers/create-child.ts'), dataDir, JSON.stringify(request)],
    // Its own process group: tsx runs node as a child, and the kill must take both.
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const taskId = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('TASK ')) resolve(l.slice(5));
    });
    child.on('exit', (code) => reject(new Error(`the creating process exited (${code})`)));
  });
  return { child, taskId };
}

/** Whether the task's "ready" step runs (read through an app that reconciles nothing). */
export async function readyRunning(dataDir: string, taskId: string): Promise<boolean> {
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'test', reconcile: false });
  try {
    const task = await createClient(inProcessBridge(app)).call('tasks.get', { id: taskId });
    return task.steps.find((s) => s.name === 'ready')?.state === 'running';
  } finally {
    app.close();
  }
}

/** SIGKILLs the child's process group and waits for it to exit. */
export async function killChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}
