import type { VmSummary } from '../../../../shared/domain/vm';
import { StaticLabel } from '../../components/StaticLabel';
import { STATE_STATUS, STATE_TEXT } from './state';

/** A VM's state as a compact label that costs nothing to mount (for the list's rows). */
export function VmStateBadge(props: { vm: VmSummary }) {
  return (
    <StaticLabel status={STATE_STATUS[props.vm.state]} testId={`vm-state-${props.vm.name}`}>
      {STATE_TEXT[props.vm.state]}
    </StaticLabel>
  );
}
