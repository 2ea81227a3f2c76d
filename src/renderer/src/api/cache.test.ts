import { describe, expect, it } from 'vitest';
import type { Task } from '../../../shared/domain/provision';
import type { VmSummary } from '../../../shared/domain/vm';
import { withTask, withVmState } from './cache';

const vm = (id: string, state: VmSummary['state'] = 'shutoff'): VmSummary => ({
  id,
  projectId: 'p',
  name: id,
  folderId: null,
  hostId: 'h',
  state,
  scheduledAt: null,
  template: false,
  parentId: null,
  linked: false,
  vcpus: 1,
  memoryBytes: 1024,
  labels: {},
  description: '',
});

const task = (id: string, progress = 0): Task => ({
  id,
  projectId: null,
  kind: 'vm.create',
  title: id,
  targetType: null,
  targetId: null,
  state: 'running',
  interrupted: false,
  progress,
  result: null,
  error: null,
  createdAt: '2024-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  steps: [],
});

describe('withVmState', () => {
  it('replaces only the VM whose state changed, leaving the other rows the same objects', () => {
    const list = [vm('a'), vm('b'), vm('c')];
    const next = withVmState(list, 'b', 'running')!;
    expect(next).not.toBe(list);
    expect(next.map((v) => v.state)).toEqual(['shutoff', 'running', 'shutoff']);
    expect(next[0]).toBe(list[0]);
    expect(next[2]).toBe(list[2]);
  });

  it('keeps the same array when the VM is unknown or already in that state', () => {
    const list = [vm('a', 'running')];
    expect(withVmState(list, 'x', 'running')).toBe(list);
    expect(withVmState(list, 'a', 'running')).toBe(list);
    expect(withVmState(undefined, 'a', 'running')).toBeUndefined();
  });
});

describe('withTask', () => {
  it('replaces a known task in place and puts a new one first', () => {
    const list = [task('a'), task('b')];
    expect(withTask(list, task('b', 50))!.map((t) => [t.id, t.progress])).toEqual([
      ['a', 0],
      ['b', 50],
    ]);
    expect(withTask(list, task('c'))!.map((t) => t.id)).toEqual(['c', 'a', 'b']);
  });
});
