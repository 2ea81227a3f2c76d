import { Alert, Button, Spinner } from '@patternfly/react-core';
import type { Task } from '../../../../shared/domain/provision';
import { useQhciQuery } from '../../api/hooks';
import { useUi } from '../../stores/ui';
import { SnapshotTaskView } from '../snapshots/SnapshotTaskView';
import { TaskFailure } from '../tasks/TaskFailure';
import { TaskProgress } from '../tasks/TaskProgress';
import { TaskStateLabel } from '../tasks/TaskStateLabel';
import '../tasks/tasks.css';

/** The VM a finished clone task made, from its result. */
function madeVm(task: Task): { id: string; name: string } | null {
  const id = task.result?.['vmId'];
  const name = task.result?.['name'];
  return typeof id === 'string' && typeof name === 'string' ? { id, name } : null;
}

/** "Open web-1": the clone's page, once its task made it. */
function OpenClone(props: { task: Task; testId: string; onOpen: () => void }) {
  const openVm = useUi((s) => s.openVm);
  const vm = madeVm(props.task);
  if (vm === null) return null;
  return (
    <Button
      variant="link"
      isInline
      onClick={() => {
        props.onOpen();
        openVm(vm.id);
      }}
      data-testid={props.testId}
    >
      Open {vm.name}
    </Button>
  );
}

/**
 * The clone tasks, live: one clone's task in full (steps, progress, outcome); several as one line each
 * (title, state, progress, and why it failed). Test ids start with `clone-`.
 */
export function CloneTasks(props: { taskIds: readonly string[]; onOpen: () => void }) {
  const { taskIds } = props;
  if (taskIds.length === 1) {
    return (
      <SnapshotTaskView
        taskId={taskIds[0]!}
        testIdPrefix="clone"
        success={(t) => (
          <>
            {madeVm(t)?.name ?? 'The clone'} was made.{' '}
            <OpenClone task={t} testId="clone-open" onOpen={props.onOpen} />
          </>
        )}
      />
    );
  }
  return (
    <div className="qhci-clone-tasks" data-testid="clone-tasks">
      {taskIds.map((id, i) => (
        <CloneTaskLine key={id} taskId={id} index={i} onOpen={props.onOpen} />
      ))}
    </div>
  );
}

function CloneTaskLine(props: { taskId: string; index: number; onOpen: () => void }) {
  const task = useQhciQuery('tasks.get', { id: props.taskId });
  const p = `clone-task-${props.index}`;
  if (task.isError) {
    return <Alert variant="danger" isInline isPlain title={task.error.message} data-testid={`${p}-error`} />;
  }
  if (task.data === undefined) return <Spinner size="md" aria-label="Starting the task" />;
  const t = task.data;
  return (
    <div className="qhci-clone-task" data-testid={p}>
      <div>
        <strong>{t.title}</strong> <TaskStateLabel task={t} testId={`${p}-state`} />{' '}
        {t.state === 'succeeded' && <OpenClone task={t} testId={`${p}-open`} onOpen={props.onOpen} />}
      </div>
      <TaskProgress task={t} testId={`${p}-progress`} size="sm" />
      <TaskFailure task={t} testIdPrefix={p} />
    </div>
  );
}
