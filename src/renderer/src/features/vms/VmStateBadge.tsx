import type { VmSummary } from '../../../../shared/domain/vm';
import { StaticLabel } from '../../components/StaticLabel';
import { STATE_STATUS, STATE_TEXT } from './state';

/**
 * A VM's state as a compact label that costs nothing to mount (for the list's rows). `testId: false` (a
 * list's spare row): no test id.
 */
export function VmStateBadge(props: { vm: VmSummary; testId?: boolean }) {
  return (
    <StaticLabel
      status={STATE_STATUS[props.vm.state]}
      testId={props.testId === false ? undefined : `vm-state-${props.vm.name}`}
    >
      {STATE_TEXT[props.vm.state]}
    </StaticLabel>
  );
}
