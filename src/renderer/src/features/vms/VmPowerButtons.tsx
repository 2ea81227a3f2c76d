import { Button, Flex, Tooltip } from '@patternfly/react-core';
import PauseIcon from '@patternfly/react-icons/dist/esm/icons/pause-icon';
import PlayIcon from '@patternfly/react-icons/dist/esm/icons/play-icon';
import PowerOffIcon from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import RedoIcon from '@patternfly/react-icons/dist/esm/icons/redo-icon';
import StopIcon from '@patternfly/react-icons/dist/esm/icons/stop-icon';
import type { ReactElement } from 'react';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../../../shared/domain/vm';
import { maskIconClass } from '../../components/icon-masks';
import { POWER_LABEL, powerEnabled } from './power';

// One element per icon, made once: React skips an element it meets again. set="default": one <svg><path>
// each; without it PatternFly draws both its icon sets inside every icon (two nested SVGs, one hidden).
const ICON: Record<PowerActionName, ReactElement> = {
  start: <PlayIcon set="default" />,
  shutdown: <PowerOffIcon set="default" />,
  destroy: <StopIcon set="default" />,
  reboot: <RedoIcon set="default" />,
  suspend: <PauseIcon set="default" />,
  resume: <PlayIcon set="default" />,
};

// The list rows draw their icons with CSS (icon-masks.ts; vms.css gives the ::before its box): a row's six
// buttons are six elements, rather than six buttons each holding a span, an svg and a path, and a keystroke
// that changes the VMs in view lays out and updates far less.
const MASK: Record<PowerActionName, string> = {
  start: maskIconClass('play'),
  shutdown: maskIconClass('power-off'),
  destroy: maskIconClass('stop'),
  reboot: maskIconClass('redo'),
  suspend: maskIconClass('pause'),
  resume: maskIconClass('play'),
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
  /** Icons only (the list's rows); the label stays the button's accessible name and tooltip. */
  compact?: boolean;
  /** A list's spare row (VmTable): the buttons are out of the tab order and have no test ids. */
  spare?: boolean;
}) {
  const { vm, pending } = props;
  const enabled = (action: PowerActionName) =>
    pending === null && vm.state !== 'creating' && powerEnabled(action, vm.state);
  if (props.compact) {
    // A list's rows: plain buttons with PatternFly's classes and a native title as the hint, in a plain
    // line (vms.css). A Tooltip and a Button per action, and PatternFly's Flex, cost too much to render and
    // lay out on every keystroke of a filter.
    // Disabled shows from aria-disabled alone (vms.css), not from PatternFly's pf-m-aria-disabled: toggling
    // that class restyles a button about twenty times slower, and a keystroke that changes the VMs in view
    // toggles it on dozens of buttons.
    return (
      <div className="qhci-power-buttons qhci-power-line">
        {POWER_ACTIONS.map((action) => {
          return (
            <button
              key={action}
              type="button"
              className={`pf-v6-c-button pf-m-plain pf-m-small qhci-power-icon ${MASK[action]}${action === 'destroy' ? ' pf-m-danger' : ''}${pending === action ? ' pf-m-in-progress' : ''}`}
              aria-disabled={!enabled(action)}
              onClick={enabled(action) ? () => props.onAction(action) : undefined}
              aria-label={`${POWER_LABEL[action]} ${vm.name}`}
              title={`${POWER_LABEL[action]}: ${HINT[action]}`}
              tabIndex={props.spare ? -1 : undefined}
              data-testid={props.spare ? undefined : `vm-power-${action}-${vm.name}`}
            />
          );
        })}
      </div>
    );
  }
  return (
    <Flex gap={{ default: 'gapNone' }} flexWrap={{ default: 'nowrap' }} className="qhci-power-buttons">
      {POWER_ACTIONS.map((action) => {
        return (
          <Tooltip key={action} content={HINT[action]}>
            <Button
              variant="plain"
              size="sm"
              isDanger={action === 'destroy'}
              icon={ICON[action]}
              isAriaDisabled={!enabled(action)}
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
