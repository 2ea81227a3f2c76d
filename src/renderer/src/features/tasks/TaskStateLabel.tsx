import type { Task } from '../../../../shared/domain/provision';
import { StaticLabel } from '../../components/StaticLabel';
import { shownState, TASK_STATE } from './format';

export function TaskStateLabel(props: { task: Task; testId: string }) {
  const s = TASK_STATE[shownState(props.task)];
  return (
    <StaticLabel status={s.status} testId={props.testId}>
      {s.text}
    </StaticLabel>
  );
}
