import { Alert } from '@patternfly/react-core';
import type { Task } from '../../../../shared/domain/provision';

/** Why a task failed, and what its rollback removed. */
export function TaskFailure(props: { task: Task; testIdPrefix: string }) {
  const { error } = props.task;
  if (error === null) return null;
  const rolledBack = error.rolledBack ?? [];
  return (
    <Alert
      variant={props.task.interrupted ? 'warning' : 'danger'}
      isInline
      isPlain
      // An interrupted task's message says so itself (and what happened to what it had made).
      title={error.message}
      data-testid={`${props.testIdPrefix}-error`}
    >
      {rolledBack.length === 0 ? (
        <span className="qhci-subtle">Nothing needed to be rolled back.</span>
      ) : (
        <>
          Rolled back:
          <ul className="qhci-task-rolled-back" data-testid={`${props.testIdPrefix}-rolled-back`}>
            {rolledBack.map((r) => (
              <li key={r}>
                <code>{r}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </Alert>
  );
}
