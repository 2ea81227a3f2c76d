import { describe, expect, it } from 'vitest';
import type { Task, TaskStep } from '../shared/domain/provision';
import { bar, ProgressView } from './follow';

function task(state: Task['state'], steps: Partial<TaskStep>[], progress: number): Task {
  return {
    id: 't1',
    projectId: null,
    kind: 'vm.create',
    title: 'Create VM web',
    targetType: 'vm',
    targetId: null,
    state,
    interrupted: false,
    progress,
    result: null,
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    steps: steps.map((s, seq) => ({
      seq,
      name: 'validate',
      state: 'pending',
      progress: 0,
      detail: null,
      startedAt: null,
      finishedAt: null,
      ...s,
    })),
  };
}

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, w: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

describe('task progress on stderr', () => {
  it('prints one line per step change when stderr is not a terminal', () => {
    const { chunks, w } = sink(false);
    const view = new ProgressView(w, false);
    view.update(task('running', [{ name: 'disks', state: 'running', detail: 'a' }], 0.3));
    view.update(task('running', [{ name: 'disks', state: 'running', detail: 'b', progress: 0.5 }], 0.4));
    view.update(task('succeeded', [{ name: 'disks', state: 'done', detail: '1 disk(s)' }], 1));
    expect(chunks.join('')).toBe(
      [
        'Create VM web: Create the disks running: a',
        'Create VM web: Create the disks done: 1 disk(s)',
        'Create VM web: succeeded',
        '',
      ].join('\n'),
    );
  });

  it('redraws a bar per task in place on a terminal', () => {
    const { chunks, w } = sink(true);
    const view = new ProgressView(w, true);
    view.update(task('running', [{ name: 'seed', state: 'running' }], 0.5));
    view.update(task('succeeded', [{ name: 'done', state: 'done' }], 1));
    expect(chunks[0]).toContain(`${bar(0.5)} Build the cloud-init seed`);
    expect(chunks[1]!.startsWith('\x1b[1A')).toBe(true);
    expect(chunks[1]).toContain(`${bar(1)} succeeded`);
  });
});
