/**
 * A creation run by another process (tests/helpers/create-child.ts) and killed while it waits for the
 * guest, for tests of what the next start does with the unfinished task.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApp } from '../../src/main/app';
import { processIsAlive } from '../../src/main/tasks/ownership';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import type { CreateVmRequestInput } from '../../src/shared/domain/provision';
import { createClient } from '../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, REPO_ROOT } from './app';

/** Starts the creation in a child process on dataDir; resolves with the child and its task's id. */
export async function startCreateChild(
  dataDir: string,
  request: CreateVmRequestInput,
): Promise<{ child: ChildProcess; taskId: string; pid: number }> {
  const child = spawn(
    join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [join(REPO_ROOT, 'tests/helpers/create-child.ts'), dataDir, JSON.stringify(request)],
    // Its own process group: tsx runs node as a child, and the kill must take both.
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const [taskId, pid] = await new Promise<[string, number]>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^TASK (\S+) (\d+)$/.exec(l);
      if (m) resolve([m[1]!, Number(m[2])]);
    });
    child.on('exit', (code) => reject(new Error(`the creating process exited (${code})`)));
  });
  return { child, taskId, pid };
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

/**
 * SIGKILLs the child's process group and waits until the task's owner (tsx's node child, not the group
 * leader we spawned) no longer runs: the leader's exit event can come before it has died.
 */
export async function killChild(started: { child: ChildProcess; pid: number }): Promise<void> {
  const exited = new Promise((r) => started.child.on('exit', r));
  process.kill(-started.child.pid!, 'SIGKILL');
  await exited;
  const deadline = Date.now() + 10_000;
  while (processIsAlive(started.pid)) {
    if (Date.now() > deadline) throw new Error(`process ${started.pid} still runs after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
