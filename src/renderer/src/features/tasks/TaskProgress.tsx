import { Progress, ProgressMeasureLocation, ProgressSize, ProgressVariant } from '@patternfly/react-core';
import type { Task } from '../../../../shared/domain/provision';
import { percent } from './format';

/** A task's overall progress bar: green when it succeeded, red when it failed. */
export function TaskProgress(props: { task: Task; testId: string; size?: 'sm' | 'md' }) {
  const { task } = props;
  const value = task.state === 'succeeded' ? 100 : percent(task.progress);
  const variant =
    task.state === 'succeeded'
      ? ProgressVariant.success
      : task.state === 'failed' || task.state === 'cancelled'
        ? ProgressVariant.danger
        : undefined;
  return (
    <Progress
      value={value}
      aria-label={`${task.title}: ${value}%`}
      measureLocation={ProgressMeasureLocation.outside}
      size={props.size === 'sm' ? ProgressSize.sm : ProgressSize.md}
      data-testid={props.testId}
      {...(variant ? { variant } : {})}
    />
  );
}
