import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  EmptyState,
  EmptyStateBody,
  Flex,
  FlexItem,
  PageSection,
  Spinner,
  Title,
  ToggleGroup,
  ToggleGroupItem,
} from '@patternfly/react-core';
import TasksIcon from '@patternfly/react-icons/dist/esm/icons/tasks-icon';
import { useState } from 'react';
import type { Task } from '../../../../shared/domain/provision';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { formatTime } from '../hosts/format';
import { duration, isActive, operationLabel } from './format';
import { TaskFailure } from './TaskFailure';
import { TaskProgress } from './TaskProgress';
import { TaskStateLabel } from './TaskStateLabel';
import { TaskSteps } from './TaskSteps';
import './tasks.css';

type Show = 'all' | 'active' | 'failed';

function TaskCard(props: { task: Task }) {
  const { task } = props;
  const [expanded, setExpanded] = useState<boolean | null>(null);
  // Running and failed tasks show their steps until the user folds them.
  const open = expanded ?? (isActive(task) || task.state === 'failed');
  const id = `task-${task.id}`;
  const took = duration(task);
  return (
    <Card isCompact isExpanded={open} data-testid={`task-${task.id}`} className="qhci-task-card">
      <CardHeader
        onExpand={() => setExpanded(!open)}
        toggleButtonProps={{
          id: `${id}-toggle`,
          'aria-label': `${open ? 'Hide' : 'Show'} the steps of ${task.title}`,
          'aria-expanded': open,
          'data-testid': `task-toggle-${task.id}`,
        }}
      >
        <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapMd' }}>
          <FlexItem>
            <CardTitle component="h2" className="qhci-task-title">
              {task.title}
            </CardTitle>
          </FlexItem>
          <FlexItem>
            <TaskStateLabel task={task} testId={`task-state-${task.id}`} />
          </FlexItem>
          <FlexItem className="qhci-subtle">
            {operationLabel(task.kind)} · started {formatTime(task.startedAt ?? task.createdAt)}
            {took !== null && ` · ${task.finishedAt === null ? 'running for' : 'took'} ${took}`}
          </FlexItem>
        </Flex>
        <TaskProgress task={task} testId={`task-progress-${task.id}`} />
      </CardHeader>
      {task.error !== null && (
        <CardBody>
          <TaskFailure task={task} testIdPrefix={`task-${task.id}`} />
        </CardBody>
      )}
      {open && (
        <CardBody data-testid={`task-steps-${task.id}`}>
          <TaskSteps task={task} testIdPrefix={`task-${task.id}`} />
        </CardBody>
      )}
    </Card>
  );
}

/** Every task, newest first, live: `task.progress` events update the cached list in place. */
export function TasksPage() {
  const project = useProjectInput();
  const tasks = useQhciQuery('tasks.list', project);
  const [show, setShow] = useState<Show>('all');
  const all = tasks.data ?? [];
  const shown = all.filter((t) =>
    show === 'active' ? isActive(t) : show === 'failed' ? t.state === 'failed' : true,
  );
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Tasks</Title>
      </PageSection>
      <PageSection isFilled>
        {tasks.isPending && <Spinner aria-label="Loading tasks" />}
        {tasks.isError && (
          <Alert variant="danger" isInline title={tasks.error.message} data-testid="tasks-load-error" />
        )}
        {tasks.data?.length === 0 && (
          <EmptyState titleText="No tasks yet" headingLevel="h2" icon={TasksIcon}>
            <EmptyStateBody data-testid="tasks-empty">
              Long-running operations, such as creating a virtual machine or uploading an image, appear here
              with their steps and progress.
            </EmptyStateBody>
          </EmptyState>
        )}
        {all.length > 0 && (
          <Flex direction={{ default: 'column' }} gap={{ default: 'gapMd' }}>
            <ToggleGroup aria-label="Which tasks to show">
              {(
                [
                  ['all', `All (${all.length})`],
                  ['active', `Running (${all.filter(isActive).length})`],
                  ['failed', `Failed (${all.filter((t) => t.state === 'failed').length})`],
                ] as const
              ).map(([value, text]) => (
                <ToggleGroupItem
                  key={value}
                  text={text}
                  isSelected={show === value}
                  onChange={() => setShow(value)}
                  buttonId={`tasks-show-${value}`}
                  data-testid={`tasks-show-${value}`}
                />
              ))}
            </ToggleGroup>
            <div className="qhci-task-list" data-testid="task-list">
              {shown.map((t) => (
                <TaskCard key={t.id} task={t} />
              ))}
            </div>
          </Flex>
        )}
      </PageSection>
    </>
  );
}
