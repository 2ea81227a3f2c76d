import type { PowerActionName, VmSummary } from '../../../../shared/domain/vm';
import { maskIconClass } from '../../components/icon-masks';
import { POWER_HINT, POWER_LABEL, powerAvailable, primaryPowerAction } from './power';
import { POWER_MASK } from './PowerIcon';

/**
 * A row's power controls in the Virtual Machines list: the one-click action for the VM's state (Start,
 * Resume or Shut down), and a menu button for every action (the list's one VmPowerMenu). Two buttons
 * drawn as PatternFly's small plain ones by vms.css (qhci-row-button: why not PatternFly's classes), whose
 * icons are CSS masks (icon-masks.ts), with the label as accessible name and a native title as the hint: a
 * keystroke in the filter that changes the VMs in view updates and lays out these in every row, so they are
 * as light as a button can be. Disabled shows from aria-disabled.
 */
export function VmRowPower(props: {
  vm: VmSummary;
  pending: PowerActionName | null;
  /** Whether the list's power menu is open for this VM. */
  menuOpen: boolean;
  onAction: (action: PowerActionName) => void;
  onMenu: (toggle: HTMLButtonElement) => void;
  /** A spare row (VmTable): out of the tab order, without test ids. */
  spare: boolean;
}) {
  const { vm, spare } = props;
  const action = primaryPowerAction(vm.state);
  const enabled = powerAvailable(vm, props.pending, action);
  return (
    <div className="qhci-power-buttons qhci-power-line">
      <button
        type="button"
        className={`qhci-row-button ${maskIconClass(POWER_MASK[action])}`}
        aria-disabled={!enabled}
        onClick={enabled ? () => props.onAction(action) : undefined}
        aria-label={`${POWER_LABEL[action]} ${vm.name}`}
        title={`${POWER_LABEL[action]}: ${POWER_HINT[action]}`}
        tabIndex={spare ? -1 : undefined}
        data-testid={spare ? undefined : `vm-power-primary-${vm.name}`}
      />
      <button
        type="button"
        className={`qhci-row-button ${maskIconClass('kebab')}`}
        aria-haspopup="menu"
        aria-expanded={props.menuOpen}
        onClick={(e) => props.onMenu(e.currentTarget)}
        aria-label={`Power actions for ${vm.name}`}
        title="Power actions"
        tabIndex={spare ? -1 : undefined}
        data-testid={spare ? undefined : `vm-power-menu-${vm.name}`}
      />
    </div>
  );
}
