/**
 * Following tasks to their end: task.progress events as they come, with a slow poll of tasks.get in case
 * one is missed. On a terminal, one redrawn progress bar per task on stderr; otherwise one line per step
 * change, so logs and pipes read well.
 */
import { stepLabel } from '../shared/domain/operations';
import type { Task, TaskStep } from '../shared/domain/provision';
import type { Ctx } from './context';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
export const isFinished = (t: Task) => TERMINAL.has(t.state);

export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

function currentStep(t: Task): TaskStep | undefined {
  return (
    t.steps.find((s) => s.state === 'failed') ??
    t.steps.find((s) => s.state === 'running') ??
    [...t.steps].reverse().find((s) => s.state !== 'pending')
  );
}

interface Writer {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Renders task updates; `quiet` prints nothing (--json with a non-terminal stderr still gets lines). */
export class ProgressView {
  private readonly tasks = new Map<string, Task>();
  private readonly seen = new Map<string, string>();
  private drawn = 0;

  constructor(
    private readonly out: Writer = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {}

  update(t: Task): void {
    this.tasks.set(t.id, t);
    if (this.tty) this.redraw();
    else this.lines(t);
  }

  private lines(t: Task): void {
    for (const s of t.steps) {
      if (s.state === 'pending') continue;
      const key = `${t.id}/${s.seq}`;
      const sig = `${s.state}|${s.state === 'running' ? '' : (s.detail ?? '')}`;
      if (this.seen.get(key) === sig) continue;
      this.seen.set(key, sig);
      const detail = s.detail ? `: ${s.detail}` : '';
      this.out.write(`${t.title}: ${stepLabel(t.kind, s.name)} ${s.state}${detail}\n`);
    }
    const endKey = `${t.id}/end`;
    if (isFinished(t) && !this.seen.has(endKey)) {
      this.seen.set(endKey, t.state);
      this.out.write(`${t.title}: ${t.state}${t.error ? `: ${t.error.message}` : ''}\n`);
    }
  }

  private redraw(): void {
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const rows = [...this.tasks.values()].map((t) => {
      const s = currentStep(t);
      const what = isFinished(t)
        ? t.state
        : s
          ? `${stepLabel(t.kind, s.name)}${s.detail ? `: ${s.detail}` : ''}`
          : '';
      return `${t.title.padEnd(24).slice(0, 40)} ${bar(t.progress)} ${what}`.slice(0, width);
    });
    let s = this.drawn ? `\x1b[${this.drawn}A` : '';
    for (const r of rows) s += `\r\x1b[2K${r}\n`;
    this.drawn = rows.length;
    this.out.write(s);
  }
}

/**
 * Waits until every task has finished, showing progress on the way. Resolves with the final tasks in the
 * order of `ids`.
 */
export async function followTasks(
  ctx: Ctx,
  ids: readonly string[],
  view: ProgressView | null = new ProgressView(),
  pollMs = 1000,
): Promise<Task[]> {
  const latest = new Map<string, Task>();
  let wake: () => void = () => undefined;
  const record = (t: Task) => {
    const prev = latest.get(t.id);
    // Events and polls can cross: never step back to an older picture of a finished task.
    if (prev && isFinished(prev)) return;
    latest.set(t.id, t);
    view?.update(t);
    if (ids.every((id) => latest.get(id) && isFinished(latest.get(id)!))) wake();
  };
  const wanted = new Set(ids);
  const off = ctx.client.on('task.progress', ({ task }) => {
    if (wanted.has(task.id)) record(task);
  });
  const done = new Promise<void>((resolve) => (wake = resolve));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    try {
      for (const id of ids) {
        if (latest.get(id) && isFinished(latest.get(id)!)) continue;
        record(await ctx.client.call('tasks.get', { id }));
      }
    } finally {
      // A failed poll is retried; events keep coming meanwhile.
      if (!stopped) timer = setTimeout(() => void poll().catch(() => undefined), pollMs);
    }
  };
  try {
    await poll();
    await done;
  } finally {
    stopped = true;
    off();
    if (timer) clearTimeout(timer);
  }
  return ids.map((id) => latest.get(id)!);
}
