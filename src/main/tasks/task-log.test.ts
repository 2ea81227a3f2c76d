import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/helpers/app';
import { AppError } from '../../shared/domain/errors';
import { DEFAULT_PROJECT_ID } from '../../shared/domain/names';
import type { Task } from '../../shared/domain/provision';
import { createTasksRepo, type TaskRow } from '../inventory/tasks.repo';
import { ownerIsGone } from './ownership';
import { AppEvents } from '../services/events';
import { HEARTBEAT_TIMEOUT_MS, PROCESS_OWNER, TaskLog, toTaskError } from './task-log';

interface Rec {
  readonly type: string;
  readonly name: string;
}

let t: TestApp;
beforeEach(() => (t = startTestApp()));
afterEach(() => t.dispose());

function log(owner?: string) {
  const events = new AppEvents();
  const seen: Task[] = [];
  events.subscribe((e, p) => {
    if (e === 'task.progress') seen.push((p as { task: Task }).task);
  });
  return { log: new TaskLog(createTasksRepo(t.app.inventory.db), events, owner), seen };
}

describe('TaskLog', () => {
  it('saves every step as it moves and pushes the whole task each time', async () => {
    const { log: l, seen } = log();
    const task = l.start({
      projectId: DEFAULT_PROJECT_ID,
      kind: 'k',
      title: 'Do it',
      steps: ['a', 'b', 'c'],
    });
    task.step('a').done('first');
    task.step('b').start();
    task.step('b').progress(0.5, 'half');
    task.step('c').skip('not needed');
    expect(seen.at(-1)!.steps.map((s) => [s.name, s.state, s.progress, s.detail])).toEqual([
      ['a', 'done', 1, 'first'],
      ['b', 'running', 0.5, 'half'],
      ['c', 'skipped', 1, 'not needed'],
    ]);
    task.step('b').done();
    task.succeed({ ok: 1 });
    const stored = await t.client.call('tasks.get', { id: task.id });
    expect(stored).toMatchObject({ state: 'succeeded', progress: 1, result: { ok: 1 }, title: 'Do it' });
    expect(stored.steps.every((s) => s.finishedAt !== null)).toBe(true);
    expect(await t.client.call('tasks.list', {})).toHaveLength(1);
    l.close();
  });

  it('keeps undo records on disk, so another process can roll back', () => {
    const { log: l } = log();
    const task = l.start<Rec>({
      projectId: DEFAULT_PROJECT_ID,
      kind: 'k',
      title: 'x',
      steps: ['a', 'b', 'c'],
    });
    task.step('a').addUndo({ type: 'volume', name: 'v1' });
    task.step('b').start('working');
    task.step('b').progress(0.25, 'working');
    task.step('b').addUndo({ type: 'domain', name: 'd1' });
    task.step('b').addUndo({ type: 'volume', name: 'v2' });
    task.step('b').dropUndo((r) => r.name === 'v2');
    const { log: other } = log('elsewhere:1');
    const row = other.unfinishedRows()[0]!;
    // Its owner (this process) is alive: nobody else may adopt it while the heartbeat is fresh.
    expect(ownerIsGone(row, 'elsewhere:1')).toBe(false);
    // A record this version cannot read is handed back apart, never undone.
    const parse = (raw: unknown) => ((raw as { type: string }).type === 'domain' ? undefined : (raw as Rec));
    const { task: adopted, unreadable } = other.adopt(row, parse)!;
    expect(adopted.undoRecords()).toEqual([{ seq: 0, record: { type: 'volume', name: 'v1' } }]);
    expect(unreadable).toEqual([{ type: 'domain', name: 'd1' }]);
    adopted.fail({ code: 'HOST_ERROR', message: 'Interrupted' }, { interrupted: true });
    expect(other.unfinishedRows()).toEqual([]);
    // The step the gone process left running failed with it; the one it never began is still pending.
    const steps = createTasksRepo(t.app.inventory.db).get(task.id)!.steps;
    expect(steps.map((s) => [s.name, s.state, s.progress, s.detail])).toEqual([
      ['a', 'pending', 0, null],
      ['b', 'failed', 0.25, 'Interrupted'],
      ['c', 'pending', 0, null],
    ]);
    l.close();
    other.close();
  });

  it('refuses an undeclared step', () => {
    const { log: l } = log();
    const task = l.start({ projectId: null, kind: 'k', title: 'x', steps: ['a'] });
    expect(() => task.step('nope')).toThrow(/not declared/);
    l.close();
  });
});

describe('ownerIsGone', () => {
  const row = (owner: string | null, beatAgoMs: number): TaskRow =>
    ({ owner, heartbeat_at: new Date(Date.now() - beatAgoMs).toISOString() }) as TaskRow;
  const me = `${hostname()}:${process.pid}`;

  it('never for this process, and not for a live process on this machine', () => {
    expect(ownerIsGone(row(me, 0), me)).toBe(false);
    expect(ownerIsGone(row(`${hostname()}:1`, 0), `${hostname()}:999999`)).toBe(false);
  });
  it('for a pid that no longer exists here', () => {
    expect(ownerIsGone(row(`${hostname()}:2147483`, 0), PROCESS_OWNER)).toBe(true);
  });
  it('for an owner on another machine only when its heartbeat is old', () => {
    expect(ownerIsGone(row('other-box:42', 1000), PROCESS_OWNER)).toBe(false);
    expect(ownerIsGone(row('other-box:42', HEARTBEAT_TIMEOUT_MS + 1000), PROCESS_OWNER)).toBe(true);
    expect(ownerIsGone({ owner: null, heartbeat_at: null } as TaskRow, PROCESS_OWNER)).toBe(true);
  });
});

describe('toTaskError', () => {
  it('keeps an AppError, and turns anything else into INTERNAL with its message', () => {
    expect(toTaskError(new AppError('CONFLICT', 'taken', 'name'))).toEqual({
      code: 'CONFLICT',
      message: 'taken',
      field: 'name',
    });
    expect(toTaskError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
  });
});
