/**
 * Running tasks: each step's state and progress saved as it moves and pushed as a task.progress event;
 * undo records written ahead of the actions they undo; a heartbeat that tells other processes this one is
 * alive. Rollback itself belongs to whoever knows how to undo (provisioning).
 */
import { hostname } from 'node:os';
import { AppError, isAppErrorData } from '../../shared/domain/errors';
import type { TaskError } from '../../shared/domain/provision';
import { LockHeld, type TasksRepo, type TaskRow } from '../inventory/tasks.repo';
import type { AppEvents } from '../services/events';

/** This process, as it is recorded on the tasks it runs. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}`;

/** A task whose owner has not beaten its heart for this long is considered abandoned. */
export const HEARTBEAT_TIMEOUT_MS = 60_000;
const HEARTBEAT_EVERY_MS = 10_000;

/**
 * Where a test may stop the process (SIGKILL) to prove that crash reconciliation cleans up: as a step starts,
 * and right after an undo record is on disk (before the action it guards).
 */
export interface Checkpoint {
  readonly kind: string;
  readonly step: string;
  readonly at: 'start' | 'undo';
}

/** A step of a task whose undo records are of type U. */
export interface StepHandle<U> {
  readonly seq: number;
  readonly name: string;
  start(detail?: string): void;
  progress(fraction: number, detail?: string): void;
  done(detail?: string): void;
  skip(detail?: string): void;
  /** Adds an undo record to this step; it is on disk before this returns. */
  addUndo(record: U): void;
  /** Removes an undo record (the action it guarded turned out not to create anything). */
  dropUndo(match: (record: U) => boolean): void;
}

export interface TaskHandle<U> {
  readonly id: string;
  readonly kind: string;
  step(name: string): StepHandle<U>;
  stepName(seq: number): string;
  /** Every undo record, oldest first, with the step it belongs to. */
  undoRecords(): { seq: number; record: U }[];
  markRolledBack(seq: number): void;
  markFailed(seq: number, detail: string): void;
  succeed(result: unknown): void;
  fail(error: TaskError, opts?: { interrupted?: boolean }): void;
  setTarget(type: string, id: string): void;
}

export { LockHeld };

export function toTaskError(err: unknown): TaskError {
  if (isAppErrorData(err)) return { code: err.code, message: err.message, field: err.field };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

/** One step's handle: its moves saved (and pushed) by `moved`, its undo list saved by `saveUndo`. */
function stepHandle<U>(s: {
  readonly seq: number;
  readonly name: string;
  readonly undo: Map<number, U[]>;
  readonly moved: (state: 'running' | 'done' | 'skipped', fraction: number, detail?: string) => void;
  readonly saveUndo: (records: readonly U[]) => void;
  readonly at: (point: Checkpoint['at']) => void;
}): StepHandle<U> {
  const { seq, undo } = s;
  return {
    seq,
    name: s.name,
    start(detail) {
      s.moved('running', 0, detail);
      s.at('start');
    },
    progress: (fraction, detail) => s.moved('running', fraction, detail),
    done: (detail) => s.moved('done', 1, detail),
    skip: (detail) => s.moved('skipped', 1, detail),
    addUndo(record) {
      const list = undo.get(seq) ?? [];
      list.push(record);
      undo.set(seq, list);
      s.saveUndo(list);
      s.at('undo');
    },
    dropUndo(match) {
      const list = (undo.get(seq) ?? []).filter((r) => !match(r));
      undo.set(seq, list);
      s.saveUndo(list);
    },
  };
}

export class TaskLog {
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly live = new Set<string>();

  constructor(
    private readonly repo: TasksRepo,
    private readonly events: AppEvents,
    readonly owner: string = PROCESS_OWNER,
    private readonly checkpoint?: (point: Checkpoint) => void,
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

  /** Starts a task; throws LockHeld while another unfinished task holds `lockKey` (in any process). */
  start<U>(t: {
    projectId: string | null;
    kind: string;
    title: string;
    targetType?: string;
    targetId?: string;
    input?: unknown;
    steps: readonly string[];
    lockKey?: string;
  }): TaskHandle<U> {
    const id = this.repo.create({
      projectId: t.projectId,
      kind: t.kind,
      title: t.title,
      targetType: t.targetType ?? null,
      targetId: t.targetId ?? null,
      input: t.input,
      owner: this.owner,
      steps: t.steps,
      lockKey: t.lockKey ?? null,
    });
    this.live.add(id);
    this.beat();
    this.emit(id, t.projectId);
    return this.handle<U>(id, t.kind, t.projectId, t.steps, new Map());
  }

  /**
   * A handle on an unfinished task this process has claimed (reconciliation after a crash), its stored undo
   * records read back through `parse`; the ones it cannot read are returned apart, never undone blindly.
   */
  adopt<U>(
    row: TaskRow,
    parse: (raw: unknown) => U | undefined,
  ): { task: TaskHandle<U>; unreadable: unknown[] } | null {
    if (!this.repo.claim(row.id, row.owner, this.owner)) return null;
    const task = this.repo.get(row.id)!;
    this.live.add(row.id);
    this.beat();
    const undo = new Map<number, U[]>();
    const unreadable: unknown[] = [];
    for (const u of this.repo.undo(row.id)) {
      const records: U[] = [];
      for (const raw of u.records) {
        const r = parse(raw);
        if (r === undefined) unreadable.push(raw);
        else records.push(r);
      }
      undo.set(u.seq, records);
    }
    const steps = task.steps.map((s) => s.name);
    return { task: this.handle(row.id, row.kind, row.project_id, steps, undo), unreadable };
  }

  private handle<U>(
    id: string,
    kind: string,
    projectId: string | null,
    steps: readonly string[],
    undo: Map<number, U[]>,
  ): TaskHandle<U> {
    const repo = this.repo;
    const checkpoint = this.checkpoint;
    const total = steps.length;
    const emit = () => this.emit(id, projectId);
    // Each step's own fraction: the task's progress is their sum (steps may run beside each other).
    const fractions = steps.map(() => 0);
    const overall = (seq: number, fraction: number) => {
      fractions[seq] = fraction;
      repo.setProgress(id, fractions.reduce((a, b) => a + b, 0) / total);
    };
    const finished = () => {
      this.live.delete(id);
      this.beat();
    };

    const step = (name: string): StepHandle<U> => {
      const seq = steps.indexOf(name);
      if (seq < 0) throw new AppError('INTERNAL', `Task step ${name} is not declared`);
      const moved = (state: 'running' | 'done' | 'skipped', fraction: number, detail?: string) => {
        repo.setStep(id, seq, state, fraction, detail);
        overall(seq, fraction);
        emit();
      };
      return stepHandle({
        seq,
        name,
        undo,
        moved,
        saveUndo: (list) => repo.setUndo(id, seq, list),
        at: (a) => checkpoint?.({ kind, step: name, at: a }),
      });
    };

    return {
      id,
      kind,
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

  /** The unfinished task that holds a lock key, if any. */
  lockHolder(lockKey: string): TaskRow | undefined {
    return this.repo.lockHolder(lockKey);
  }

  close(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
