/**
 * The engine with a small operation of its own over an in-memory "host" (a set of names): the steps, the
 * typed undo records, rollback in reverse with retries, the lock across two task logs on one inventory (two
 * processes), and reconciliation of a task whose owner is gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/helpers/app';
import { AppError } from '../../shared/domain/errors';
import { DEFAULT_PROJECT_ID } from '../../shared/domain/names';
import { createTasksRepo } from '../inventory/tasks.repo';
import { AppEvents } from '../services/events';
import { createEngine, type OperationDef } from './engine';
import { TaskLog } from './task-log';

interface Made {
  readonly made: string;
}

interface Ctx {
  readonly host: Set<string>;
  readonly failAt?: 'check' | 'delete' | 'record';
}

/** An operation of the "image.delete" kind (its steps: check, delete, record) that makes things instead. */
function toyOp(host: Set<string>, flaky = { left: 0 }): OperationDef<'image.delete', Ctx, Made> {
  const make = (name: string) => ({
    name,
    async run(ctx: Ctx, step: { addUndo(r: Made): void }) {
      step.addUndo({ made: name });
      ctx.host.add(name);
      if (ctx.failAt === name) throw new AppError('HOST_ERROR', `${name} broke`);
      await Promise.resolve();
    },
  });
  return {
    kind: 'image.delete',
    undo: {
      parse: (raw) => {
        const r = raw as Partial<Made> | null;
        return typeof r?.made === 'string' ? { made: r.made } : undefined;
      },
      describe: (r) => `thing ${r.made}`,
      undo: async (r) => {
        if (flaky.left-- > 0) throw new Error('host away');
        return host.delete(r.made);
      },
    },
    steps: [make('check'), make('delete'), make('record')] as OperationDef<
      'image.delete',
      Ctx,
      Made
    >['steps'],
    result: (ctx) => ({ made: [...ctx.host] }),
    interruptedMessage: 'Interrupted: undone',
  };
}

let t: TestApp;
beforeEach(() => (t = startTestApp()));
afterEach(() => t.dispose());

function engine(owner?: string) {
  const tasks = new TaskLog(createTasksRepo(t.app.inventory.db), new AppEvents(), owner);
  return { tasks, engine: createEngine({ tasks, log: () => undefined, rollbackRetryMs: 5000 }) };
}

const meta = (lock = 'vm:1') => ({
  projectId: DEFAULT_PROJECT_ID,
  title: 'Toy',
  lock: { key: lock, label: 'VM one' },
});

describe('the operation engine', () => {
  it('runs the steps in order and succeeds with the result', async () => {
    const host = new Set<string>();
    const { engine: e, tasks } = engine();
    const op = e.register(toyOp(host));
    const outcome = await e.run(op, e.start(op, meta()), { host });
    expect(outcome).toEqual({ ok: true, result: { made: ['check', 'delete', 'record'] } });
    const [task] = await t.client.call('tasks.list', {});
    expect(task!.steps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
    tasks.close();
  });

  it('on a failure undoes what was recorded, newest first, retrying a host that is away', async () => {
    const host = new Set<string>();
    const { engine: e, tasks } = engine();
    const op = e.register(toyOp(host, { left: 2 }));
    const outcome = await e.run(op, e.start(op, meta()), { host, failAt: 'delete' });
    expect(outcome.ok).toBe(false);
    expect(host.size).toBe(0);
    if (!outcome.ok) {
      expect(outcome.error.message).toBe('delete broke');
      expect(outcome.error.rolledBack).toEqual(['thing delete', 'thing check']);
    }
    const [task] = await t.client.call('tasks.list', {});
    expect(task!.steps.map((s) => s.state)).toEqual(['rolled-back', 'failed', 'pending']);
    tasks.close();
  });

  it('refuses a second operation on the same lock key from another process, and frees it when done', async () => {
    const host = new Set<string>();
    const a = engine('box:1');
    const b = engine('box:2');
    const opA = a.engine.register(toyOp(host));
    const opB = b.engine.register(toyOp(host));
    const task = a.engine.start(opA, meta());
    expect(() => b.engine.start(opB, meta())).toThrow(/VM one is busy: "Toy" is running/);
    expect(b.engine.busy(meta().lock)?.code).toBe('CONFLICT');
    // Another key is free.
    const other = b.engine.start(opB, meta('vm:2'));
    await b.engine.run(opB, other, { host });
    await a.engine.run(opA, task, { host });
    expect(b.engine.busy(meta().lock)).toBeNull();
    await b.engine.run(opB, b.engine.start(opB, meta()), { host });
    a.tasks.close();
    b.tasks.close();
  });

  it('rolls back a task whose owner is gone, and says what it could not read', async () => {
    const host = new Set<string>(['check', 'delete']);
    const dead = engine('gone-box:1');
    const op = dead.engine.register(toyOp(host));
    const task = dead.engine.start(op, meta());
    task.step('check').addUndo({ made: 'check' });
    task.step('delete').addUndo({ made: 'delete' });
    // A record an older or newer version wrote, which this one cannot read.
    createTasksRepo(t.app.inventory.db).setUndo(task.id, 2, [{ made: 7 }]);
    dead.tasks.close();
    t.app.inventory.db.prepare("UPDATE tasks SET heartbeat_at = '2000-01-01T00:00:00Z'").run();

    const alive = engine('box:9');
    alive.engine.register(toyOp(host));
    expect(await alive.engine.reconcile()).toBe(1);
    expect(host.size).toBe(0);
    const stored = await t.client.call('tasks.get', { id: task.id });
    expect(stored).toMatchObject({ state: 'failed', interrupted: true });
    expect(stored.error?.rolledBack).toEqual(['thing delete', 'thing check']);
    expect(stored.error?.message).toMatch(
      /^Interrupted: undone\. Cleanup incomplete.*cannot read: \{"made":7\}/,
    );
    // The lock went with the task.
    expect(alive.engine.busy(meta().lock)).toBeNull();
    alive.tasks.close();
  });

  it('runs a step that starts early beside the steps from there on, and waits for it', async () => {
    const host = new Set<string>();
    const { engine: e, tasks } = engine();
    const order: string[] = [];
    let release = (): void => undefined;
    const base = toyOp(host);
    const [check, del, record] = base.steps;
    const op = e.register({
      ...base,
      steps: [
        check!,
        {
          ...del!,
          async run(ctx, step) {
            order.push('delete starts');
            // The early step runs meanwhile: this one ends once it has.
            await new Promise<void>((r) => (release = r));
            await del!.run(ctx, step);
            order.push('delete ends');
          },
        },
        {
          ...record!,
          early: 'delete',
          async run(ctx, step) {
            order.push('record starts');
            await record!.run(ctx, step);
            order.push('record ends');
            release();
          },
        },
      ],
    });
    const task = e.start(op, meta());
    const outcome = await e.run(op, task, { host });
    expect(outcome.ok).toBe(true);
    expect(order).toEqual(['delete starts', 'record starts', 'record ends', 'delete ends']);
    const stored = await t.client.call('tasks.get', { id: task.id });
    expect(stored.steps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
    expect(stored.progress).toBe(1);
    tasks.close();
  });

  it('when a step running early fails, waits for the one beside it, then undoes both', async () => {
    const host = new Set<string>();
    const { engine: e, tasks } = engine();
    const base = toyOp(host);
    const [check, del, record] = base.steps;
    let deleteEnded = false;
    const op = e.register({
      ...base,
      steps: [
        check!,
        {
          ...del!,
          async run(ctx, step) {
            await new Promise((r) => setTimeout(r, 50));
            await del!.run(ctx, step);
            deleteEnded = true;
          },
        },
        { ...record!, early: 'delete' },
      ],
    });
    const task = e.start(op, meta());
    const outcome = await e.run(op, task, { host, failAt: 'record' });
    expect(deleteEnded).toBe(true);
    expect(host.size).toBe(0);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.message).toBe('record broke');
      expect([...(outcome.error.rolledBack ?? [])].sort()).toEqual([
        'thing check',
        'thing delete',
        'thing record',
      ]);
    }
    const stored = await t.client.call('tasks.get', { id: task.id });
    expect(stored.steps.map((s) => s.state)).toEqual(['rolled-back', 'rolled-back', 'failed']);
    tasks.close();
  });

  it('refuses a step that starts early with one that is not before it', () => {
    const { engine: e, tasks } = engine();
    const base = toyOp(new Set());
    const [check, del, record] = base.steps;
    const bad = { ...base, steps: [check!, { ...del!, early: 'record' as const }, record!] };
    expect(() => e.register(bad)).toThrow(/starts early with record/);
    tasks.close();
  });

  it("refuses a definition whose steps are not the catalogue's", () => {
    const { engine: e, tasks } = engine();
    const bad = { ...toyOp(new Set()), steps: toyOp(new Set()).steps.slice(1) };
    expect(() => e.register(bad)).toThrow(/declares steps/);
    tasks.close();
  });
});
