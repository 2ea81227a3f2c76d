import { Button, Dropdown, DropdownItem, DropdownList, MenuToggle, Tooltip } from '@patternfly/react-core';
import CloneIcon from '@patternfly/react-icons/dist/esm/icons/clone-icon';
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon';
import { useState } from 'react';
import type { VmSummary } from '../../../../shared/domain/vm';
import { VM_ACTION_HINT, VM_ACTION_LABEL, vmActions, type VmActionName } from './actions';

/**
 * The VM page's clone and template actions: the main one as a button (New linked clone… for a template,
 * the primary action of its page; Clone… for a VM), the others (Convert to template…, Detach from
 * template…) in a menu. An action that does not apply now is disabled and says why.
 */
export function VmCloneActions(props: { vm: VmSummary; onAction: (action: VmActionName) => void }) {
  const { vm } = props;
  const [open, setOpen] = useState(false);
  const actions = vmActions(vm);
  const main = actions.find((a) => a.action === 'linked-clone' || a.action === 'clone');
  const more = actions.filter((a) => a !== main);
  return (
    <>
      {main && (
        <Tooltip content={main.state.reason ?? VM_ACTION_HINT[main.action]}>
          <Button
            variant={main.action === 'linked-clone' ? 'primary' : 'secondary'}
            icon={<CloneIcon />}
            isAriaDisabled={!main.state.enabled}
            onClick={() => props.onAction(main.action)}
            data-testid={`vm-detail-${main.action}`}
          >
            {VM_ACTION_LABEL[main.action]}
          </Button>
        </Tooltip>
      )}
      {more.length > 0 && (
        <Dropdown
          isOpen={open}
          onOpenChange={setOpen}
          onSelect={(_e, value) => {
            setOpen(false);
            props.onAction(value as VmActionName);
          }}
          popperProps={{ position: 'end' }}
          toggle={(ref) => (
            <MenuToggle
              ref={ref}
              variant="plain"
              icon={<EllipsisVIcon />}
              onClick={() => setOpen((o) => !o)}
              isExpanded={open}
              aria-label={`More actions for ${vm.name}`}
              data-testid="vm-detail-more"
            />
          )}
        >
          <DropdownList>
            {more.map(({ action, state }) => (
              <DropdownItem
                key={action}
                value={action}
                description={state.reason ?? VM_ACTION_HINT[action]}
                isDisabled={!state.enabled}
                data-testid={`vm-detail-${action}`}
              >
                {VM_ACTION_LABEL[action]}
              </DropdownItem>
            ))}
          </DropdownList>
        </Dropdown>
      )}
    </>
  );
}
