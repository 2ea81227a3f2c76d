/**
 * The operation engine. An operation is declared as ordered steps over a context of its own; each step
 * writes its undo records (of the operation's own type U) before it acts. The engine runs the steps as a
 * durable task, and on a failure undoes what was recorded, newest first, retrying a host that is away. After
 * a crash, any process that opens the inventory finds the task's owner gone and does the same. An operation
 * may hold a lock key ("vm:<id>"): a second unfinished task with the same key is refused, in any process.
 */
import { AppError, isAppErrorData } from '../../shared/domain/errors';
import {
  operationSteps,
  type OperationKind,
  type OperationStepName as StepName,
} from '../../shared/domain/operations';
import type { TaskError } from '../../shared/domain/provision';
import type { TaskRow } from '../inventory/tasks.repo';
import { ownerIsGone } from './ownership';
import { rollback, type RollbackOutcome, type Undoer } from './rollback';
import { LockHeld, toTaskError, type StepHandle, type TaskHandle, type TaskLog } from './task-log';

export type { Undoer } from './rollback';

export interface OperationStep<K extends OperationKind, C, U> {
  readonly name: StepName<K>;
  /**
   * Starts with this earlier step instead of after the step before it, and runs beside the steps from there
   * on (what it does must not depend on them); the engine waits for it at its own turn. A failure of either
   * waits for the other before the rollback.
   */
  readonly early?: StepName<K>;
  /** The engine marks the step running before and done after, unless the step marked itself done or skipped. */
  run(ctx: C, step: StepHandle<U>): Promise<void>;
}

export interface OperationDef<K extends OperationKind, C, U> {
  readonly kind: K;
  readonly undo: Undoer<U>;
  /** Steps the caller finishes itself when it starts the task (request checks, placement), before run(). */
  readonly prelude?: readonly StepName<K>[];
  readonly steps: readonly OperationStep<K, C, U>[];
  /** The task's result once every step is done. */
  result(ctx: C): Record<string, unknown>;
  /** After a failure, before rollback: what is not an undo record (a temporary file on the host). */
  beforeRollback?(ctx: C): Promise<void>;
  /** Whatever the outcome, last: what the operation holds outside the task (capacity it reserved). */
  finally?(ctx: C): void;
  /** After a crash, once the task is rolled back: what the dead process held for it. */
  interrupted?(taskId: string): void;
  /** The failure message of a task found interrupted ("…; what it created was removed"). */
  readonly interruptedMessage: string;
}

export type Outcome =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | { readonly ok: false; readonly error: TaskError };

/** A failed outcome as the error a waiting caller throws (what crosses IPC). */
export function outcomeError(error: TaskError): AppError {
  const { code, message, field } = error;
  const data = field === undefined ? { code, message } : { code, message, field };
  return isAppErrorData(data) ? AppError.fromData(data) : new AppError('HOST_ERROR', message);
}

/** One unfinished operation per key, across processes ("vm:<id>"); `label` names it in the refusal. */
export interface Lock {
  readonly key: string;
  readonly label: string;
}

export interface StartMeta {
  readonly projectId: string | null;
  readonly title: string;
  readonly target?: { readonly type: string; readonly id: string };
  readonly input?: unknown;
  readonly lock?: Lock;
}

export interface EngineDeps {
  readonly tasks: TaskLog;
  readonly log: (msg: string) => void;
  /** How long rollback keeps retrying a host that does not answer (sshd restarting, a network blip). */
  readonly rollbackRetryMs: number;
}

/** Every step of the definition, prelude first, must be the catalogue's steps for its kind, in order. */
function checkSteps<K extends OperationKind, C, U>(def: OperationDef<K, C, U>): string[] {
  const names = [...(def.prelude ?? []), ...def.steps.map((s) => s.name)];
  for (const [i, s] of def.steps.entries()) {
    if (s.early && !def.steps.slice(0, i).some((e) => e.name === s.early)) {
      throw new AppError(
        'INTERNAL',
        `Step ${s.name} of ${def.kind} starts early with ${s.early}, not a step before it`,
      );
    }
  }
  const expected = operationSteps(def.kind);
  if (names.join() !== expected.join()) {
    throw new AppError(
      'INTERNAL',
      `Operation ${def.kind} declares steps ${names.join()} ≠ ${expected.join()}`,
    );
  }
  return names;
}

/** A step handle that remembers whether the step ended itself. */
function tracked<U>(raw: StepHandle<U>): { handle: StepHandle<U>; ended: () => boolean } {
  let ended = false;
  const handle: StepHandle<U> = {
    ...raw,
    done: (d) => {
      ended = true;
      raw.done(d);
    },
    skip: (d) => {
      ended = true;
      raw.skip(d);
    },
  };
  return { handle, ended: () => ended };
}

function failure(err: unknown, rb: RollbackOutcome): TaskError {
  const e = toTaskError(err);
  const message = rb.left.length
    ? `${e.message}. Cleanup incomplete, still on the host: ${rb.left.join('; ')}`
    : e.message;
  return { ...e, message, rolledBack: rb.rolledBack };
}

interface Runtime {
  readonly deps: EngineDeps;
  readonly isClosed: () => boolean;
}

/** Why a lock key is taken; a holder whose process is gone is rolled back by `reconcile` meanwhile. */
function refusal(rt: Runtime, lock: Lock, holder: TaskRow, reconcile: () => unknown): AppError {
  const since = holder.started_at ? ` since ${holder.started_at.slice(11, 19)} UTC` : '';
  if (ownerIsGone(holder, rt.deps.tasks.owner)) {
    void reconcile();
    return new AppError(
      'CONFLICT',
      `${lock.label} is held by "${holder.title}", whose process is gone; it is being rolled back: try again in a moment`,
    );
  }
  return new AppError('CONFLICT', `${lock.label} is busy: "${holder.title}" is running${since}`);
}

/** A step under way: its handle, and its run (which never rejects: its error is kept). */
interface Running<U> {
  readonly handle: StepHandle<U>;
  readonly ended: () => boolean;
  done: Promise<{ err: unknown } | null>;
  /** Its error once it failed. */
  failed: { err: unknown } | null;
}

/** Marks the step running and runs it; resolves with its error, or null once it is done. */
function begin<K extends OperationKind, C, U>(
  task: TaskHandle<U>,
  s: OperationStep<K, C, U>,
  ctx: C,
): Running<U> {
  const { handle, ended } = tracked(task.step(s.name));
  handle.start();
  const r: Running<U> = { handle, ended, done: Promise.resolve(null), failed: null };
  let run: Promise<void>;
  try {
    run = s.run(ctx, handle);
  } catch (err) {
    run = Promise.reject(err);
  }
  r.done = run.then(
    () => {
      // Marked done as it ends, even when it ran beside the others (before its turn).
      if (!ended()) handle.done();
      return null;
    },
    (err: unknown) => (r.failed = { err }),
  );
  return r;
}

/** Waits for every step under way; each but `current` shows how it ended (done, or failed with its error). */
async function settle<U>(
  task: TaskHandle<U>,
  started: Map<string, Running<U>>,
  current: StepHandle<U> | null,
) {
  await Promise.all([...started.values()].map((r) => r.done));
  for (const r of started.values()) {
    if (r.handle === current) continue;
    if (r.failed) task.markFailed(r.handle.seq, (r.failed.err as Error).message);
  }
}

async function execute<K extends OperationKind, C, U>(
  rt: Runtime,
  def: OperationDef<K, C, U>,
  task: TaskHandle<U>,
  ctx: C,
): Promise<Outcome> {
  const started = new Map<string, Running<U>>();
  let current: StepHandle<U> | null = null;
  try {
    for (const s of def.steps) {
      // A step running beside the others that failed already: nothing more starts.
      const early = [...started.values()].find((x) => x.failed);
      if (early) {
        current = early.handle;
        throw early.failed!.err;
      }
      const r = started.get(s.name) ?? begin(task, s, ctx);
      started.set(s.name, r);
      current = r.handle;
      // The steps that start with this one (early), beside it.
      for (const e of def.steps) {
        if (e.early === s.name && !started.has(e.name)) started.set(e.name, begin(task, e, ctx));
      }
      const failed = await r.done;
      if (failed) throw failed.err;
    }
    const result = def.result(ctx);
    def.finally?.(ctx);
    task.succeed(result);
    return { ok: true, result };
  } catch (err) {
    // What runs beside the failed step ends first: nothing is undone while it may still make something.
    await settle(task, started, current);
    const seq = (current as StepHandle<U> | null)?.seq;
    if (seq !== undefined) task.markFailed(seq, (err as Error).message);
    await def.beforeRollback?.(ctx).catch(() => undefined);
    const rb = await rollback(task, def.undo, { ...rt.deps, isClosed: rt.isClosed, failedSeq: seq });
    def.finally?.(ctx);
    const error = failure(err, rb);
    task.fail(error);
    rt.deps.log(`${task.kind} (${task.id}) failed: ${error.message}`);
    return { ok: false, error };
  }
}

/** Rolls back one task whose owner is gone (def null: a kind this version does not know), marks it interrupted. */
async function recover<K extends OperationKind, C, U>(
  rt: Runtime,
  def: OperationDef<K, C, U> | null,
  row: TaskRow,
): Promise<boolean> {
  const adopted = rt.deps.tasks.adopt<U>(row, def ? (raw) => def.undo.parse(raw) : () => undefined);
  if (!adopted) return false;
  const { task, unreadable } = adopted;
  const rb: RollbackOutcome = def
    ? await rollback(task, def.undo, { ...rt.deps, isClosed: rt.isClosed })
    : { rolledBack: [], left: [] };
  for (const raw of unreadable)
    rb.left.push(`an undo record this version cannot read: ${JSON.stringify(raw)}`);
  const message = def?.interruptedMessage ?? `Interrupted: no operation ${row.kind} is known to this version`;
  task.fail(failure(new AppError('HOST_ERROR', message), rb), { interrupted: true });
  def?.interrupted?.(task.id);
  return true;
}

export function createEngine(deps: EngineDeps) {
  // Per kind, the recovery of its tasks, typed by its own undo records where it is registered.
  const recoverers = new Map<string, (row: TaskRow) => Promise<boolean>>();
  const running = new Set<Promise<unknown>>();
  let closed = false;
  const rt: Runtime = { deps, isClosed: () => closed };
  const track = (p: Promise<unknown>) => {
    running.add(p);
    void p.finally(() => running.delete(p));
  };
  let reconciling: Promise<number> | null = null;

  const engine = {
    register<K extends OperationKind, C, U>(def: OperationDef<K, C, U>): OperationDef<K, C, U> {
      checkSteps(def);
      recoverers.set(def.kind, (row) => recover(rt, def, row));
      return def;
    },

    /** Starts the task (its steps pending); refused with a clear reason while its lock is held. */
    start<K extends OperationKind, C, U>(def: OperationDef<K, C, U>, meta: StartMeta): TaskHandle<U> {
      if (!recoverers.has(def.kind)) engine.register(def);
      try {
        return deps.tasks.start<U>({
          projectId: meta.projectId,
          kind: def.kind,
          title: meta.title,
          targetType: meta.target?.type,
          targetId: meta.target?.id,
          input: meta.input,
          steps: checkSteps(def),
          lockKey: meta.lock?.key,
        });
      } catch (err) {
        if (err instanceof LockHeld && meta.lock) throw refusal(rt, meta.lock, err.holder, engine.reconcile);
        throw err;
      }
    },

    /** Runs the steps after the prelude; resolves with the outcome (never rejects). */
    run<K extends OperationKind, C, U>(
      def: OperationDef<K, C, U>,
      task: TaskHandle<U>,
      ctx: C,
    ): Promise<Outcome> {
      const p = execute(rt, def, task, ctx);
      track(p);
      return p;
    },

    /** Why an action on this lock key must wait (an unfinished operation holds it), or null. */
    busy(lock: Lock): AppError | null {
      const holder = deps.tasks.lockHolder(lock.key);
      return holder ? refusal(rt, lock, holder, engine.reconcile) : null;
    },

    /** Other work the process must finish before it exits (drain() waits for it). */
    track,

    /**
     * Tasks left unfinished by a process that is gone (killed, crashed, the machine rebooted): undo what they
     * recorded and mark them failed as interrupted. One pass at a time; resolves with how many it took.
     */
    reconcile(): Promise<number> {
      return (reconciling ??= (async () => {
        let n = 0;
        for (const row of deps.tasks.unfinishedRows()) {
          if (closed) break;
          if (!ownerIsGone(row, deps.tasks.owner)) continue;
          const recoverOne = recoverers.get(row.kind) ?? ((r: TaskRow) => recover(rt, null, r));
          if (await recoverOne(row)) n++;
        }
        return n;
      })().finally(() => {
        reconciling = null;
      }));
    },

    /** Waits for every operation this process runs (the CLI before it exits; tests). */
    async drain(): Promise<void> {
      while (running.size) await Promise.allSettled([...running]);
    },

    close(): void {
      closed = true;
    },
  };
  return engine;
}

export type Engine = ReturnType<typeof createEngine>;
