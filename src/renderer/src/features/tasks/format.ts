/** How tasks, their states and their steps are written. */
import type { StepState, Task } from '../../../../shared/domain/provision';
import type { LabelStatus } from '../../components/StaticLabel';

/** Step and operation labels come from the catalogue of operations that main declares its steps from. */
export { operationLabel, stepLabel } from '../../../../shared/domain/operations';

export type TaskShownState = Task['state'] | 'interrupted';

/** Interrupted (the app stopped while it ran) is shown apart from other failures. */
export function shownState(task: Task): TaskShownState {
  return task.interrupted ? 'interrupted' : task.state;
}

export const TASK_STATE: Record<TaskShownState, { text: string; status?: LabelStatus }> = {
  queued: { text: 'Queued' },
  running: { text: 'Running', status: 'info' },
  succeeded: { text: 'Succeeded', status: 'success' },
  failed: { text: 'Failed', status: 'danger' },
  cancelled: { text: 'Cancelled' },
  interrupted: { text: 'Interrupted', status: 'warning' },
};

export const STEP_STATE: Record<StepState, string> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  'rolled-back': 'Rolled back',
};

export function percent(fraction: number): number {
  return Math.round(Math.max(0, Math.min(1, fraction)) * 100);
}

/** "12 s", "3 min 4 s": how long a task ran (or has been running). */
export function duration(task: Task, now = Date.now()): string | null {
  if (task.startedAt === null) return null;
  const end = task.finishedAt === null ? now : Date.parse(task.finishedAt);
  const s = Math.max(0, Math.round((end - Date.parse(task.startedAt)) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function isActive(task: Task): boolean {
  return task.state === 'queued' || task.state === 'running';
}
