import { Button, Flex, Tooltip } from '@patternfly/react-core';
import PauseIcon from '@patternfly/react-icons/dist/esm/icons/pause-icon';
import PlayIcon from '@patternfly/react-icons/dist/esm/icons/play-icon';
import PowerOffIcon from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import RedoIcon from '@patternfly/react-icons/dist/esm/icons/redo-icon';
import StopIcon from '@patternfly/react-icons/dist/esm/icons/stop-icon';
import type { ComponentType } from 'react';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../../../shared/domain/vm';
import { POWER_LABEL, powerEnabled } from './power';

const ICON: Record<PowerActionName, ComponentType> = {
  start: PlayIcon,
  shutdown: PowerOffIcon,
  destroy: StopIcon,
  reboot: RedoIcon,
  suspend: PauseIcon,
  resume: PlayIcon,
};

const HINT: Record<PowerActionName, string> = {
  start: 'Boot the virtual machine',
  shutdown: 'Ask the guest to shut down (ACPI)',
  destroy: 'Cut the power at once, like pulling the plug',
  reboot: 'Ask the guest to reboot',
  suspend: 'Pause the virtual machine in memory',
  resume: 'Continue a paused virtual machine',
};

/**
 * Start, Shut down, Force off, Reboot, Suspend, Resume for one VM, each enabled only in the states where it
 * applies. While one runs (`pending`), the row's buttons wait.
 */
export function VmPowerButtons(props: {
  vm: VmSummary;
  pending: PowerActionName | null;
  onAction: (action: PowerActionName) => void;
}) {
  const { vm, pending } = props;
  return (
    <Flex gap={{ default: 'gapNone' }} flexWrap={{ default: 'nowrap' }}>
      {POWER_ACTIONS.map((action) => {
        const Icon = ICON[action];
        const enabled = pending === null && vm.state !== 'creating' && powerEnabled(action, vm.state);
        return (
          <Tooltip key={action} content={HINT[action]}>
            <Button
              variant="plain"
              size="sm"
              isDanger={action === 'destroy'}
              icon={<Icon />}
              isAriaDisabled={!enabled}
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
