/**
 * PatternFly's compact label as static markup (its class names), for rows of long lists. PatternFly's own Label measures its
 * text after every mount (to offer a tooltip when truncated), which forces a layout per label: too slow for
 * a list that mounts dozens of rows per keystroke. It looks the same and never reads layout.
 */
import CheckIcon from '@patternfly/react-icons/dist/esm/icons/rh-ui-check-circle-fill-icon';
import ErrorIcon from '@patternfly/react-icons/dist/esm/icons/rh-ui-error-fill-icon';
import InfoIcon from '@patternfly/react-icons/dist/esm/icons/rh-ui-information-fill-icon';
import WarningIcon from '@patternfly/react-icons/dist/esm/icons/rh-ui-warning-fill-icon';
import type { ReactElement } from 'react';

export type LabelStatus = 'success' | 'warning' | 'danger' | 'info';

// Made once: React skips an element it meets again, so a label's icon is never rendered twice.
const ICON: Record<LabelStatus, ReactElement> = {
  success: <CheckIcon />,
  warning: <WarningIcon />,
  danger: <ErrorIcon />,
  info: <InfoIcon />,
};

export function StaticLabel(props: {
  children: string;
  status?: LabelStatus | undefined;
  color?: 'grey' | 'blue' | undefined;
  testId?: string;
  title?: string;
}) {
  const icon = props.status ? ICON[props.status] : null;
  return (
    <span
      className={[
        'pf-v6-c-label pf-m-compact pf-m-filled',
        props.status ? `pf-m-${props.status}` : '',
        props.color === 'blue' ? 'pf-m-blue' : '',
      ].join(' ')}
      data-testid={props.testId}
      title={props.title}
    >
      <span className="pf-v6-c-label__content">
        {icon && <span className="pf-v6-c-label__icon">{icon}</span>}
        <span className="pf-v6-c-label__text">{props.children}</span>
      </span>
    </span>
  );
}
