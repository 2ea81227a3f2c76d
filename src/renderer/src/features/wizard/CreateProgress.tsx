import {
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  List,
  ListItem,
  Progress,
  Stack,
} from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import { CREATE_STEP_LABELS, type Task } from '../../../../shared/domain/provision';
import { qhci } from '../../api/client';
import { percent } from './ImageUpload';

/** Follows the creation tasks: `task.progress` events, and each task as it was when asked. */
function useTasks(taskIds: readonly string[]): Record<string, Task> {
  const [tasks, setTasks] = useState<Record<string, Task>>({});
  const key = taskIds.join(',');
  useEffect(() => {
    const ids = new Set(key.split(',').filter(Boolean));
    let live = true;
    const off = qhci.on('task.progress', ({ task }) => {
      if (ids.has(task.id)) setTasks((prev) => ({ ...prev, [task.id]: task }));
    });
    for (const id of ids) {
      qhci
        .call('tasks.get', { id })
        .then((t) => {
          if (live) setTasks((prev) => (prev[id] ? prev : { ...prev, [id]: t }));
        })
        .catch(() => undefined);
    }
    return () => {
      live = false;
      off();
    };
  }, [key]);
  return tasks;
}

const stepLabel = (name: string) => CREATE_STEP_LABELS[name as keyof typeof CREATE_STEP_LABELS] ?? name;

/** The creation's progress, one card per VM; calls `onDone` once every task succeeded. */
export function CreateProgress(props: {
  taskIds: readonly string[];
  onSucceeded: () => void;
  onBack: () => void;
}) {
  const { taskIds, onSucceeded, onBack } = props;
  const tasks = useTasks(taskIds);
  const list = taskIds.map((id) => tasks[id]);
  const allDone = list.length > 0 && list.every((t) => t?.state === 'succeeded');
  const failed = list.filter((t): t is Task => t?.state === 'failed' || t?.state === 'cancelled');
  useEffect(() => {
    if (allDone) onSucceeded();
  }, [allDone, onSucceeded]);

  return (
    <Stack hasGutter data-testid="wizard-create-progress">
      {failed.length > 0 && (
        <Alert
          variant="danger"
          isInline
          title={`${failed.length === 1 ? 'The creation' : `${failed.length} creations`} failed`}
          data-testid="wizard-create-failed"
          actionLinks={
            <Button variant="link" isInline onClick={onBack} data-testid="wizard-create-back">
              Back to the wizard
            </Button>
          }
        >
          {failed.map((t) => (
            <p key={t.id}>
              {t.title}: {t.error?.message ?? t.state}
              {t.error?.rolledBack &&
                t.error.rolledBack.length > 0 &&
                ` (rolled back: ${t.error.rolledBack.join(', ')})`}
            </p>
          ))}
        </Alert>
      )}
      {taskIds.map((id, i) => {
        const t = tasks[id];
        return (
          <Card key={id} isCompact data-testid={`wizard-task-${i}`}>
            <CardTitle>{t?.title ?? 'Starting…'}</CardTitle>
            <CardBody>
              <Progress
                value={t ? percent(t) : 0}
                title={t?.state ?? 'queued'}
                aria-label={`${t?.title ?? 'Creation'} progress`}
                data-testid={`wizard-task-progress-${i}`}
                variant={t?.state === 'failed' ? 'danger' : t?.state === 'succeeded' ? 'success' : undefined}
              />
              <List isPlain>
                {(t?.steps ?? []).map((s) => (
                  <ListItem key={s.seq} data-testid={`wizard-task-${i}-step-${s.name}`}>
                    <span className={`qhci-wizard-step-${s.state}`}>{s.state}</span> {stepLabel(s.name)}
                    {s.detail && <span className="qhci-subtle"> — {s.detail}</span>}
                  </ListItem>
                ))}
              </List>
            </CardBody>
          </Card>
        );
      })}
    </Stack>
  );
}
