import { Button, Flex, Tooltip } from '@patternfly/react-core';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../../../shared/domain/vm';
import { POWER_ICON } from './PowerIcon';
import { POWER_HINT, POWER_LABEL, powerAvailable } from './power';

/**
 * Start, Shut down, Force off, Reboot, Suspend, Resume for one VM, each enabled only in the states where it
 * applies. While one runs (`pending`), the buttons wait. The VM's page and a host's VM list use these; the
 * Virtual Machines list has a lighter row of its own (VmRowPower).
 */
export function VmPowerButtons(props: {
  vm: VmSummary;
  pending: PowerActionName | null;
  onAction: (action: PowerActionName) => void;
}) {
  const { vm, pending } = props;
  return (
    <Flex gap={{ default: 'gapNone' }} flexWrap={{ default: 'nowrap' }} className="qhci-power-buttons">
      {POWER_ACTIONS.map((action) => {
        return (
          <Tooltip key={action} content={POWER_HINT[action]}>
            <Button
              variant="plain"
              size="sm"
              isDanger={action === 'destroy'}
              icon={POWER_ICON[action]}
              isAriaDisabled={!powerAvailable(vm, pending, action)}
              isLoading={pending === action}
              onClick={() => props.onAction(action)}
              aria-label={`${POWER_LABEL[action]} ${vm.name}`}
              data-testid={`vm-power-${action}-${vm.name}`}
            >
              {POWER_LABEL[action]}
            </Button>
          </Tooltip>
        );
      })}
    </Flex>
  );
}
