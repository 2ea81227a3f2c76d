import { Divider, Dropdown, DropdownItem, DropdownList } from '@patternfly/react-core';
import { memo, type RefObject } from 'react';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../../../shared/domain/vm';
import { VM_ACTION_HINT, VM_ACTION_LABEL, vmActions, type VmActionName } from '../clones/actions';
import { POWER_ICON } from './PowerIcon';
import { POWER_HINT, POWER_LABEL, powerAvailable } from './power';

/** A menu item's value for a clone or template action (the power actions' values are their names). */
const ACTION_PREFIX = 'vm-action:';

/**
 * The Virtual Machines list's power menu: every action for one VM, those that do not apply disabled, then
 * its clone and template actions (Clone…, Convert to template…, Detach…, New linked clone…). One
 * menu for the whole list, opened from a row's menu button (`toggleRef` points at it), so that the rows
 * carry no menu of their own. Escape or Tab closes it and gives the focus back to that button. Memoised
 * (the list passes stable callbacks): a keystroke in the filter does not render it, closed, again.
 */
export const VmPowerMenu = memo(function VmPowerMenu(props: {
  /** The VM whose menu is open, or null. */
  vm: VmSummary | null;
  pending: PowerActionName | null;
  toggleRef: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
  onAction: (vm: VmSummary, action: PowerActionName) => void;
  onVmAction: (vm: VmSummary, action: VmActionName) => void;
}) {
  const { vm } = props;
  return (
    <Dropdown
      isOpen={vm !== null}
      toggle={{ toggleNode: null, toggleRef: props.toggleRef }}
      onOpenChange={(open) => {
        if (!open) props.onClose();
      }}
      onSelect={(_e, value) => {
        props.onClose();
        if (!vm) return;
        const v = String(value);
        if (v.startsWith(ACTION_PREFIX)) props.onVmAction(vm, v.slice(ACTION_PREFIX.length) as VmActionName);
        else props.onAction(vm, v as PowerActionName);
      }}
      shouldFocusFirstItemOnOpen
      shouldFocusToggleOnSelect
      popperProps={{ position: 'end', appendTo: () => document.body }}
      data-testid="vm-power-menu"
    >
      {vm && (
        <DropdownList aria-label={`Power actions for ${vm.name}`}>
          {POWER_ACTIONS.map((action) => (
            <DropdownItem
              key={action}
              value={action}
              icon={POWER_ICON[action]}
              description={POWER_HINT[action]}
              isDanger={action === 'destroy'}
              isDisabled={!powerAvailable(vm, props.pending, action)}
              data-testid={`vm-power-${action}-${vm.name}`}
            >
              {POWER_LABEL[action]}
            </DropdownItem>
          ))}
          <Divider component="li" />
          {vmActions(vm).map(({ action, state }) => (
            <DropdownItem
              key={action}
              value={`${ACTION_PREFIX}${action}`}
              description={state.reason ?? VM_ACTION_HINT[action]}
              isDisabled={!state.enabled}
              data-testid={`vm-action-${action}-${vm.name}`}
            >
              {VM_ACTION_LABEL[action]}
            </DropdownItem>
          ))}
        </DropdownList>
      )}
    </Dropdown>
  );
});
