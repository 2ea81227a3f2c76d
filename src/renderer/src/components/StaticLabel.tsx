/**
 * PatternFly's compact label as one static element, for rows of long lists. PatternFly's own Label measures
 * its text after every mount (to offer a tooltip when truncated), which forces a layout per label: too slow
 * for a list that mounts dozens of rows per keystroke. Its markup is also four boxes deep (the label, its
 * content, the icon and the text, with the pill drawn by an absolutely placed ::before); this is one box
 * with PatternFly's label classes (their colours, padding, radius and font), its text, and its status icon
 * drawn as a mask in its ::before (app.css, icon-masks.ts). It looks the same and never reads layout.
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
        'pf-v6-c-label pf-m-compact pf-m-filled qhci-label',
        props.status ? `pf-m-${props.status} qhci-label-iconic ${maskIconClass(ICON[props.status])}` : '',
        props.color === 'blue' ? 'pf-m-blue' : '',
      ].join(' ')}
      data-testid={props.testId}
      title={props.title}
    >
      {props.children}
    </span>
  );
}
