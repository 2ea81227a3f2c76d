/**
 * PatternFly's compact label as one static element, for rows of long lists. PatternFly's own Label measures
 * its text after every mount (to offer a tooltip when truncated), which forces a layout per label: too slow
 * for a list that mounts dozens of rows per keystroke. Its markup is also four boxes deep (the label, its
 * content, the icon and the text, with the pill drawn by an absolutely placed ::before), and its classes
 * declare some 170 custom properties on every label, resolved again at each restyle. This is one box,
 * drawn by app.css with PatternFly's global tokens (the colours, padding, radius and font of PatternFly's
 * compact label; vms.spec.ts compares them with PatternFly's own), holding its text, with its status icon
 * as a mask in its ::before (icon-masks.ts). It looks the same and never reads layout.
 *
 * The ::before is always there: a row whose VM changes state swaps classes, where an icon element would be
 * taken out of the layout and another built.
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
        'qhci-label',
        props.status
          ? `qhci-label-${props.status} qhci-label-iconic ${maskIconClass(ICON[props.status])}`
          : props.color === 'blue'
            ? 'qhci-label-blue'
            : '',
      ].join(' ')}
      data-testid={props.testId}
      title={props.title}
    >
      {props.children}
    </span>
  );
}
