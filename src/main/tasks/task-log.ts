/**
 * Running tasks: each step's state and progress saved as it moves and pushed as a task.progress event;
 * undo records written ahead of the actions they undo; a heartbeat that tells other processes this one is
 * alive. Rollback itself belongs to whoever knows how to undo (provisioning).
 */
import { hostname } from 'node:os';
import { AppError, isAppErrorData } from '../../shared/domain/errors';
import type { TaskError } from '../../shared/domain/provision';
import type { TasksRepo, TaskRow } from '../inventory/tasks.repo';
import type { AppEvents } from '../services/events';

/** This process, as it is recorded on the tasks it runs. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}`;

/** A task whose owner has not beaten its heart for this long is considered abandoned. */
export const HEARTBEAT_TIMEOUT_MS = 60_000;
const HEARTBEAT_EVERY_MS = 10_000;

export interface StepHandle {
  readonly seq: number;
  readonly name: string;
  start(detail?: string): void;
  progress(fraction: number, detail?: string): void;
  done(detail?: string): void;
  skip(detail?: string): void;
  /** Adds an undo record to this step; it is on disk before this returns. */
  addUndo(record: unknown): void;
  /** Removes an undo record (the action it guarded turned out not to create anything). */
  dropUndo(match: (record: unknown) => boolean): void;
}

export interface TaskHandle {
  readonly id: string;
  step(name: string): StepHandle;
  stepName(seq: number): string;
  /** Every undo record, oldest first, with the step it belongs to. */
  undoRecords(): { seq: number; record: unknown }[];
  markRolledBack(seq: number): void;
  markFailed(seq: number, detail: string): void;
  succeed(result: unknown): void;
  fail(error: TaskError, opts?: { interrupted?: boolean }): void;
  setTarget(type: string, id: string): void;
}

export function toTaskError(err: unknown): TaskError {
  if (isAppErrorData(err)) return { code: err.code, message: err.message, field: err.field };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

export class TaskLog {
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly live = new Set<string>();

  constructor(
    private readonly repo: TasksRepo,
    private readonly events: AppEvents,
    readonly owner: string = PROCESS_OWNER,
  ) {}

  private emit(id: string, projectId: string | null): void {
    const task = this.repo.get(id);
    if (!task) return;
    this.events.emit('task.progress', { task });
    this.events.emit('inventory.changed', { entity: 'tasks', projectId });
  }

  private beat(): void {
    if (this.live.size === 0) {
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
      return;
    }
    if (!this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(() => this.repo.heartbeat(this.owner), HEARTBEAT_EVERY_MS);
      this.heartbeatTimer.unref();
    }
  }

  start(t: {
    projectId: string | null;
    kind: string;
    title: string;
    targetType?: string;
    targetId?: string;
    input?: unknown;
    steps: readonly string[];
  }): TaskHandle {
    const id = this.repo.create({
      projectId: t.projectId,
      kind: t.kind,
      title: t.title,
      targetType: t.targetType ?? null,
      targetId: t.targetId ?? null,
      input: t.input,
      owner: this.owner,
      steps: t.steps,
    });
    this.live.add(id);
    this.beat();
    this.emit(id, t.projectId);
    return this.handle(id, t.projectId, t.steps);
  }

  /** A handle on an unfinished task this process has claimed (reconciliation after a crash). */
  adopt(row: TaskRow): TaskHandle | null {
    if (!this.repo.claim(row.id, row.owner, this.owner)) return null;
    const task = this.repo.get(row.id)!;
    this.live.add(row.id);
    this.beat();
    return this.handle(
      row.id,
      row.project_id,
      task.steps.map((s) => s.name),
    );
  }

  private handle(id: string, projectId: string | null, steps: readonly string[]): TaskHandle {
    const repo = this.repo;
    const total = steps.length;
    const undo = new Map<number, unknown[]>();
    for (const u of repo.undo(id)) undo.set(u.seq, [...u.records]);
    const emit = () => this.emit(id, projectId);
    const overall = (seq: number, fraction: number) => repo.setProgress(id, (seq + fraction) / total);
    const finished = () => {
      this.live.delete(id);
      this.beat();
    };

    const step = (name: string): StepHandle => {
      const seq = steps.indexOf(name);
      if (seq < 0) throw new AppError('INTERNAL', `Task step ${name} is not declared`);
      return {
        seq,
        name,
        start(detail) {
          repo.setStep(id, seq, 'running', 0, detail);
          overall(seq, 0);
          emit();
        },
        progress(fraction, detail) {
          repo.setStep(id, seq, 'running', fraction, detail);
          overall(seq, fraction);
          emit();
        },
        done(detail) {
          repo.setStep(id, seq, 'done', 1, detail);
          overall(seq, 1);
          emit();
        },
        skip(detail) {
          repo.setStep(id, seq, 'skipped', 1, detail);
          overall(seq, 1);
          emit();
        },
        addUndo(record) {
          const list = undo.get(seq) ?? [];
          list.push(record);
          undo.set(seq, list);
          repo.setUndo(id, seq, list);
        },
        dropUndo(match) {
          const list = (undo.get(seq) ?? []).filter((r) => !match(r));
          undo.set(seq, list);
          repo.setUndo(id, seq, list);
        },
      };
    };

    return {
      id,
      step,
      stepName: (seq) => steps[seq] ?? '',
      undoRecords() {
        return [...undo.entries()]
          .sort(([a], [b]) => a - b)
          .flatMap(([seq, records]) => records.map((record) => ({ seq, record })));
      },
      markRolledBack(seq) {
        repo.setStep(id, seq, 'rolled-back', 1);
        emit();
      },
      markFailed(seq, detail) {
        repo.setStep(id, seq, 'failed', repo.get(id)?.steps[seq]?.progress ?? 0, detail);
        emit();
      },
      succeed(result) {
        repo.finish(id, 'succeeded', { result });
        finished();
        emit();
      },
      fail(error, opts) {
        // A step the dead process left running did not finish either: it shows as failed, not as running.
        if (opts?.interrupted) {
          for (const [seq, st] of (repo.get(id)?.steps ?? []).entries()) {
            if (st.state === 'running') repo.setStep(id, seq, 'failed', st.progress, 'Interrupted');
          }
        }
        repo.finish(id, 'failed', { error, interrupted: opts?.interrupted });
        finished();
        emit();
      },
      setTarget(type, targetId) {
        repo.setTarget(id, type, targetId);
      },
    };
  }

  unfinishedRows(): TaskRow[] {
    return this.repo.unfinished();
  }

  close(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
