import { Alert, Spinner } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import type { Task } from '../../../../shared/domain/provision';
import { useQhciQuery } from '../../api/hooks';
import { TaskFailure } from '../tasks/TaskFailure';
import { TaskProgress } from '../tasks/TaskProgress';
import { TaskStateLabel } from '../tasks/TaskStateLabel';
import { TaskSteps } from '../tasks/TaskSteps';
import '../tasks/tasks.css';

/**
 * A snapshot operation's task, live (task.progress events replace the cached task): its state, progress and
 * steps; then what it did, or why it failed and what was rolled back. Test ids start with `testIdPrefix`.
 */
export function SnapshotTaskView(props: {
  taskId: string;
  testIdPrefix: string;
  /** What the success means, in words ("Snapshot x was taken"). */
  success: (task: Task) => ReactNode;
}) {
  const { testIdPrefix: p } = props;
  const task = useQhciQuery('tasks.get', { id: props.taskId });
  if (task.isError) {
    return <Alert variant="danger" isInline title={task.error.message} data-testid={`${p}-task-error`} />;
  }
  if (task.data === undefined) return <Spinner size="md" aria-label="Starting the task" />;
  const t = task.data;
  return (
    <div className="qhci-snapshot-task" data-testid={`${p}-task`}>
      <div>
        <strong>{t.title}</strong> <TaskStateLabel task={t} testId={`${p}-task-state`} />
      </div>
      <TaskProgress task={t} testId={`${p}-task-progress`} />
      <TaskSteps task={t} testIdPrefix={`${p}-task`} />
      {t.state === 'succeeded' && (
        <Alert variant="success" isInline isPlain title={props.success(t)} data-testid={`${p}-succeeded`} />
      )}
      <TaskFailure task={t} testIdPrefix={`${p}-task`} />
    </div>
  );
}
