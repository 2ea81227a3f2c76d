import { Badge, Button, Popover } from '@patternfly/react-core';
import TasksIcon from '@patternfly/react-icons/dist/esm/icons/tasks-icon';
import { useState } from 'react';
import { useQhciQuery } from '../api/hooks';
import { useProjectInput } from '../stores/project';
import { isActive } from '../features/tasks/format';
import { TaskProgress } from '../features/tasks/TaskProgress';
import { TaskStateLabel } from '../features/tasks/TaskStateLabel';
import '../features/tasks/tasks.css';
import { useUi } from '../stores/ui';

const RECENT = 5;

/** The masthead's task button: how many run now, and the latest few with their progress. */
export function RecentTasks() {
  const project = useProjectInput();
  const tasks = useQhciQuery('tasks.list', project);
  const goTo = useUi((s) => s.goTo);
  const [visible, setVisible] = useState(false);
  const all = tasks.data ?? [];
  const running = all.filter(isActive).length;
  const recent = all.slice(0, RECENT);

  return (
    <Popover
      isVisible={visible}
      shouldOpen={() => setVisible(true)}
      shouldClose={() => setVisible(false)}
      headerContent="Recent tasks"
      position="bottom-end"
      minWidth="24rem"
      bodyContent={
        <div className="qhci-recent-tasks" data-testid="recent-tasks">
          {recent.length === 0 && <span className="qhci-subtle">No tasks yet.</span>}
          {recent.map((t) => (
            <div key={t.id} data-testid={`recent-task-${t.id}`}>
              <div>
                <strong>{t.title}</strong> <TaskStateLabel task={t} testId={`recent-task-state-${t.id}`} />
              </div>
              <TaskProgress task={t} testId={`recent-task-progress-${t.id}`} size="sm" />
            </div>
          ))}
        </div>
      }
      footerContent={
        <Button
          variant="link"
          isInline
          onClick={() => {
            setVisible(false);
            goTo('tasks');
          }}
          data-testid="recent-tasks-all"
        >
          All tasks
        </Button>
      }
    >
      <Button
        variant="plain"
        icon={<TasksIcon />}
        aria-label={running > 0 ? `Recent tasks, ${running} running` : 'Recent tasks'}
        data-testid="recent-tasks-toggle"
      >
        {running > 0 && (
          <Badge isRead={false} data-testid="recent-tasks-running">
            {running}
          </Badge>
        )}
      </Button>
    </Popover>
  );
}
