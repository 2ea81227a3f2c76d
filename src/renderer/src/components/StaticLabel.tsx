/**
 * PatternFly's compact label as static markup (its class names), for rows of long lists. PatternFly's own
 * Label measures its text after every mount (to offer a tooltip when truncated), which forces a layout per
 * label: too slow for a list that mounts dozens of rows per keystroke. It looks the same and never reads
 * layout.
 *
 * The status icon is drawn with CSS (icon-masks.ts), in a span that is always there: a row whose VM changes
 * state changes two classes, where an SVG icon would be taken out and another built and laid out.
 */
import { maskIconClass, type MaskIcon } from './icon-masks';

export type LabelStatus = 'success' | 'warning' | 'danger' | 'info';

const ICON: Record<LabelStatus, MaskIcon> = {
  success: 'check-circle',
  warning: 'warning',
  danger: 'error',
  info: 'info',
};

export function StaticLabel(props: {
  children: string;
  status?: LabelStatus | undefined;
  color?: 'grey' | 'blue' | undefined;
  testId?: string;
  title?: string;
}) {
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
        <span
          className={`pf-v6-c-label__icon qhci-label-icon ${props.status ? maskIconClass(ICON[props.status]) : 'qhci-label-no-icon'}`}
        />
        <span className="pf-v6-c-label__text">{props.children}</span>
      </span>
    </span>
  );
}
