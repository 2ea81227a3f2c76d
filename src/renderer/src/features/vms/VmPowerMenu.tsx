import { Dropdown, DropdownItem, DropdownList } from '@patternfly/react-core';
import { memo, type RefObject } from 'react';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../../../shared/domain/vm';
import { POWER_ICON } from './PowerIcon';
import { POWER_HINT, POWER_LABEL, powerAvailable } from './power';

/**
 * The Virtual Machines list's power menu: every action for one VM, those that do not apply disabled. One
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
        if (vm) props.onAction(vm, value as PowerActionName);
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
        </DropdownList>
      )}
    </Dropdown>
  );
});
