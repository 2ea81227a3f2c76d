import type { VmSummary } from '../../../../shared/domain/vm';
import { StaticLabel } from '../../components/StaticLabel';
import '../clones/clones.css';
import { STATE_STATUS, STATE_TEXT } from './state';

/**
 * A VM's state as a compact label that costs nothing to mount (for the list's rows); a template (never
 * started) shows "Template" in purple instead. `testId: false` (a list's spare row): no test id.
 */
export function VmStateBadge(props: { vm: VmSummary; testId?: boolean }) {
  const testId = props.testId === false ? undefined : `vm-state-${props.vm.name}`;
  if (props.vm.template) {
    return (
      <span className="qhci-label qhci-label-template" data-testid={testId} title="A template: never started">
        Template
      </span>
    );
  }
  return (
    <StaticLabel status={STATE_STATUS[props.vm.state]} testId={testId}>
      {STATE_TEXT[props.vm.state]}
    </StaticLabel>
  );
}
