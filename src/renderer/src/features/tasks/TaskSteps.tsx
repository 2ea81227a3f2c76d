import { Progress, ProgressSize } from '@patternfly/react-core';
import CheckCircleIcon from '@patternfly/react-icons/dist/esm/icons/check-circle-icon';
import CircleIcon from '@patternfly/react-icons/dist/esm/icons/outlined-circle-icon';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import InProgressIcon from '@patternfly/react-icons/dist/esm/icons/in-progress-icon';
import MinusCircleIcon from '@patternfly/react-icons/dist/esm/icons/minus-circle-icon';
import UndoIcon from '@patternfly/react-icons/dist/esm/icons/undo-icon';
import type { ComponentType } from 'react';
import type { StepState, Task } from '../../../../shared/domain/provision';
import { percent, STEP_STATE, stepLabel } from './format';

const ICON: Record<StepState, ComponentType<{ className?: string }>> = {
  pending: CircleIcon,
  running: InProgressIcon,
  done: CheckCircleIcon,
  failed: ExclamationCircleIcon,
  skipped: MinusCircleIcon,
  'rolled-back': UndoIcon,
};

/** The task's steps in order, each with its state, detail and (while it runs) its own progress. */
export function TaskSteps(props: { task: Task; testIdPrefix: string }) {
  return (
    <ol className="qhci-task-steps" aria-label={`Steps of ${props.task.title}`}>
      {props.task.steps.map((s) => {
        const Icon = ICON[s.state];
        return (
          <li
            key={s.seq}
            className={`qhci-task-step qhci-task-step-${s.state}`}
            data-testid={`${props.testIdPrefix}-step-${s.name}`}
            data-state={s.state}
          >
            <Icon className="qhci-task-step-icon" />
            <div className="qhci-task-step-body">
              <div>
                <strong>{stepLabel(props.task.kind, s.name)}</strong>{' '}
                <span className="qhci-subtle" data-testid={`${props.testIdPrefix}-step-state-${s.name}`}>
                  {STEP_STATE[s.state]}
                </span>
              </div>
              {s.detail !== null && <div className="qhci-subtle qhci-break">{s.detail}</div>}
              {s.state === 'running' && (
                <Progress
                  value={percent(s.progress)}
                  size={ProgressSize.sm}
                  aria-label={`${stepLabel(props.task.kind, s.name)}: ${percent(s.progress)}%`}
                  data-testid={`${props.testIdPrefix}-step-progress-${s.name}`}
                />
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
