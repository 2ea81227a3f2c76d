/**
 * The durable task log: tasks and their steps, each step with its progress and the undo records that
 * rollback needs (written before the action they undo, so a crash can still be cleaned up).
 */
import type { StepState, Task, TaskError, TaskState, TaskStep } from '../../shared/domain/provision';
import type { Db } from './db';
import { newId, nowIso, parseJson } from './rows';

interface TaskRow {
  id: string;
  project_id: string | null;
  kind: string;
  title: string;
  target_type: string | null;
  target_id: string | null;
  state: TaskState;
  interrupted: number;
  progress: number;
  result: string | null;
  error: string | null;
  owner: string | null;
  heartbeat_at: string | null;
  lock_key: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface StepRow {
  task_id: string;
  seq: number;
  name: string;
  state: StepState;
  progress: number;
  detail: string | null;
  undo: string | null;
  started_at: string | null;
  finished_at: string | null;
}

const toStep = (r: StepRow): TaskStep => ({
  seq: r.seq,
  name: r.name,
  state: r.state,
  progress: r.progress,
  detail: r.detail,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const clamp = (p: number) => Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0));

export interface UndoEntry {
  readonly seq: number;
  readonly records: readonly unknown[];
}

/** Thrown by create() when an unfinished task already holds the lock key. */
export class LockHeld extends Error {
  constructor(readonly holder: TaskRow) {
    super(`Lock ${holder.lock_key ?? ''} is held by task ${holder.id}`);
  }
}

export function createTasksRepo(db: Db) {
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, project_id, kind, title, target_type, target_id, state, progress, input, owner,
       heartbeat_at, lock_key, created_at, started_at)
     VALUES (@id, @projectId, @kind, @title, @targetType, @targetId, 'running', 0, @input, @owner, @now, @lockKey,
       @now, @now)`,
  );
  const insertStep = db.prepare(
    `INSERT INTO task_steps (task_id, seq, name, state, progress) VALUES (?, ?, ?, 'pending', 0)`,
  );
  const byId = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?');
  const stepsOf = db.prepare<[string], StepRow>('SELECT * FROM task_steps WHERE task_id = ? ORDER BY seq');
  const list = db.prepare<[string, number], TaskRow>(
    'SELECT * FROM tasks WHERE project_id = ? ORDER BY created_at DESC, id LIMIT ?',
  );
  const stepsOfProject = db.prepare<[string, number], StepRow>(
    `SELECT s.* FROM task_steps s WHERE s.task_id IN
       (SELECT id FROM tasks WHERE project_id = ? ORDER BY created_at DESC, id LIMIT ?) ORDER BY s.task_id, s.seq`,
  );
  const setStep = db.prepare(
    `UPDATE task_steps SET state = @state, progress = @progress, detail = COALESCE(@detail, detail),
       started_at = COALESCE(started_at, CASE WHEN @state = 'running' THEN @now END),
       finished_at = CASE WHEN @state IN ('done', 'failed', 'skipped', 'rolled-back') THEN @now ELSE finished_at END
     WHERE task_id = @taskId AND seq = @seq`,
  );
  const setUndo = db.prepare('UPDATE task_steps SET undo = ? WHERE task_id = ? AND seq = ?');
  const undoOf = db.prepare<[string], { seq: number; undo: string | null }>(
    'SELECT seq, undo FROM task_steps WHERE task_id = ? ORDER BY seq',
  );
  const setProgress = db.prepare('UPDATE tasks SET progress = ?, heartbeat_at = ? WHERE id = ?');
  const heartbeat = db.prepare(`UPDATE tasks SET heartbeat_at = ? WHERE owner = ? AND state = 'running'`);
  const finish = db.prepare(
    `UPDATE tasks SET state = @state, progress = CASE WHEN @state = 'succeeded' THEN 1 ELSE progress END,
       result = @result, error = @error, interrupted = @interrupted, finished_at = @now WHERE id = @id`,
  );
  const setTarget = db.prepare('UPDATE tasks SET target_type = ?, target_id = ? WHERE id = ?');
  const unfinished = db.prepare<[], TaskRow>(
    `SELECT * FROM tasks WHERE state IN ('queued', 'running') ORDER BY created_at`,
  );
  const lockHolder = db.prepare<[string], TaskRow>(
    `SELECT * FROM tasks WHERE lock_key = ? AND state IN ('queued', 'running')`,
  );
  const claim = db.prepare(
    `UPDATE tasks SET owner = ?, heartbeat_at = ? WHERE id = ? AND state IN ('queued', 'running')
       AND (owner IS ? OR owner IS NULL)`,
  );

  const toTask = (r: TaskRow, steps: readonly StepRow[]): Task => ({
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    title: r.title,
    targetType: r.target_type,
    targetId: r.target_id,
    state: r.state,
    interrupted: r.interrupted === 1,
    progress: r.progress,
    result: parseJson<Record<string, unknown> | null>(r.result, null),
    error: parseJson<TaskError | null>(r.error, null),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    steps: steps.map(toStep),
  });

  return {
    create(t: {
      projectId: string | null;
      kind: string;
      title: string;
      targetType: string | null;
      targetId: string | null;
      input: unknown;
      owner: string;
      steps: readonly string[];
      /** Refused (LockHeld) while another unfinished task holds the same key, in any process. */
      lockKey?: string | null;
    }): string {
      const id = newId();
      const insert = db.transaction(() => {
        insertTask.run({
          id,
          projectId: t.projectId,
          kind: t.kind,
          title: t.title,
          targetType: t.targetType,
          targetId: t.targetId,
          input: JSON.stringify(t.input ?? null),
          owner: t.owner,
          lockKey: t.lockKey ?? null,
          now: nowIso(),
        });
        t.steps.forEach((name, seq) => insertStep.run(id, seq, name));
      });
      try {
        insert.immediate();
      } catch (err) {
        const holder = t.lockKey ? lockHolder.get(t.lockKey) : undefined;
        if (holder && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw new LockHeld(holder);
        throw err;
      }
      return id;
    },
    /** The unfinished task holding a lock key, if any. */
    lockHolder(lockKey: string): TaskRow | undefined {
      return lockHolder.get(lockKey);
    },
    get(id: string): Task | undefined {
      const r = byId.get(id);
      return r && toTask(r, stepsOf.all(id));
    },
    row(id: string): TaskRow | undefined {
      return byId.get(id);
    },
    list(projectId: string, limit: number): Task[] {
      const rows = list.all(projectId, limit);
      const steps = new Map<string, StepRow[]>();
      for (const s of stepsOfProject.all(projectId, limit)) {
        const l = steps.get(s.task_id);
        if (l) l.push(s);
        else steps.set(s.task_id, [s]);
      }
      return rows.map((r) => toTask(r, steps.get(r.id) ?? []));
    },
    setStep(taskId: string, seq: number, state: StepState, progress: number, detail?: string | null): void {
      setStep.run({ taskId, seq, state, progress: clamp(progress), detail: detail ?? null, now: nowIso() });
    },
    setProgress(taskId: string, progress: number): void {
      setProgress.run(clamp(progress), nowIso(), taskId);
    },
    setTarget(taskId: string, targetType: string, targetId: string): void {
      setTarget.run(targetType, targetId, taskId);
    },
    /** Replaces a step's undo records (JSON). */
    setUndo(taskId: string, seq: number, records: readonly unknown[]): void {
      setUndo.run(records.length ? JSON.stringify(records) : null, taskId, seq);
    },
    undo(taskId: string): UndoEntry[] {
      return undoOf
        .all(taskId)
        .filter((r) => r.undo !== null)
        .map((r) => ({ seq: r.seq, records: parseJson<unknown[]>(r.undo, []) }));
    },
    finish(
      id: string,
      state: 'succeeded' | 'failed' | 'cancelled',
      out: { result?: unknown; error?: TaskError; interrupted?: boolean },
    ): void {
      finish.run({
        id,
        state,
        result: out.result === undefined ? null : JSON.stringify(out.result),
        error: out.error === undefined ? null : JSON.stringify(out.error),
        interrupted: out.interrupted ? 1 : 0,
        now: nowIso(),
      });
    },
    heartbeat(owner: string): void {
      heartbeat.run(nowIso(), owner);
    },
    unfinished(): TaskRow[] {
      return unfinished.all();
    },
    /** Takes over an unfinished task from a dead owner; false when another process got it first. */
    claim(id: string, previousOwner: string | null, owner: string): boolean {
      return claim.run(owner, nowIso(), id, previousOwner).changes === 1;
    },
  };
}

export type TasksRepo = ReturnType<typeof createTasksRepo>;
export type { TaskRow };
