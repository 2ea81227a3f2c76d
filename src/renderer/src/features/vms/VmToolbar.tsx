import {
  Button,
  FormSelect,
  FormSelectOption,
  MenuToggle,
  SearchInput,
  Select,
  SelectList,
  SelectOption,
  TextInput,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import FolderOpenIcon from '@patternfly/react-icons/dist/esm/icons/folder-open-icon';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import PowerOffIcon from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import { useState } from 'react';
import { POWER_ACTIONS, VM_STATES, type PowerActionName, type VmState } from '../../../../shared/domain/vm';
import { useUi } from '../../stores/ui';
import { STATE_TEXT } from './state';
import { activeFilterCount } from './filter';
import type { Inventory } from './lookups';
import { POWER_LABEL } from './power';

/** Filters (name, state, host, folder, label), the bulk actions on the checked VMs, and Create VM. */
export function VmToolbar(props: {
  inventory: Inventory;
  shown: number;
  total: number;
  selected: number;
  onBulkPower: (action: PowerActionName) => void;
  onMove: () => void;
}) {
  const filters = useUi((s) => s.vmFilters);
  const setFilters = useUi((s) => s.setVmFilters);
  const goTo = useUi((s) => s.goTo);
  const [powerOpen, setPowerOpen] = useState(false);
  const active = activeFilterCount(filters);

  return (
    <Toolbar aria-label="Virtual machine filters and actions" className="qhci-vm-toolbar">
      <ToolbarContent>
        <ToolbarGroup variant="filter-group">
          <ToolbarItem className="qhci-filter-name">
            <SearchInput
              placeholder="Filter by name"
              aria-label="Filter by name"
              value={filters.text}
              onChange={(_e, text) => setFilters({ text })}
              onClear={() => setFilters({ text: '' })}
              data-testid="vm-filter-name"
            />
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect
              aria-label="Filter by state"
              value={filters.state ?? ''}
              onChange={(_e, v) => setFilters({ state: v === '' ? null : (v as VmState) })}
              data-testid="vm-filter-state"
              className="qhci-filter-select"
            >
              <FormSelectOption value="" label="Any state" />
              {VM_STATES.map((s) => (
                <FormSelectOption key={s} value={s} label={STATE_TEXT[s]} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect
              aria-label="Filter by host"
              value={filters.hostId ?? ''}
              onChange={(_e, v) => setFilters({ hostId: v === '' ? null : v })}
              data-testid="vm-filter-host"
              className="qhci-filter-select"
            >
              <FormSelectOption value="" label="Any host" />
              {props.inventory.hosts.map((h) => (
                <FormSelectOption key={h.id} value={h.id} label={h.name} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect
              aria-label="Filter by folder"
              value={filters.folderId ?? ''}
              onChange={(_e, v) => setFilters({ folderId: v === '' ? null : v })}
              data-testid="vm-filter-folder"
              className="qhci-filter-select"
            >
              <FormSelectOption value="" label="Any folder" />
              <FormSelectOption value="none" label="In no folder" />
              {props.inventory.folders.map((f) => (
                <FormSelectOption key={f.id} value={f.id} label={f.path} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <TextInput
              aria-label="Filter by label (key or key=value)"
              placeholder="Label: key or key=value"
              value={filters.label}
              onChange={(_e, label) => setFilters({ label })}
              data-testid="vm-filter-label"
              className="qhci-filter-label"
            />
          </ToolbarItem>
        </ToolbarGroup>
      </ToolbarContent>
      <ToolbarContent>
        <ToolbarGroup>
          <ToolbarItem>
            <Button
              variant="primary"
              icon={<PlusIcon />}
              onClick={() => goTo('create-vm')}
              data-testid="vm-create"
            >
              Create VM
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Select
              isOpen={powerOpen}
              onOpenChange={setPowerOpen}
              onSelect={(_e, action) => {
                setPowerOpen(false);
                props.onBulkPower(action as PowerActionName);
              }}
              toggle={(ref) => (
                <MenuToggle
                  ref={ref}
                  icon={<PowerOffIcon />}
                  onClick={() => setPowerOpen((o) => !o)}
                  isExpanded={powerOpen}
                  isDisabled={props.selected === 0}
                  data-testid="vm-bulk-power"
                  aria-label={`Power actions for the ${props.selected} checked VMs`}
                >
                  Power
                </MenuToggle>
              )}
            >
              <SelectList aria-label="Power actions">
                {POWER_ACTIONS.map((a) => (
                  <SelectOption key={a} value={a} data-testid={`vm-bulk-${a}`}>
                    {POWER_LABEL[a]}
                  </SelectOption>
                ))}
              </SelectList>
            </Select>
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="secondary"
              icon={<FolderOpenIcon />}
              isDisabled={props.selected === 0}
              onClick={props.onMove}
              data-testid="vm-bulk-move"
            >
              Move to folder
            </Button>
          </ToolbarItem>
        </ToolbarGroup>
        {active > 0 && (
          <ToolbarItem>
            <Button
              variant="link"
              isInline
              onClick={() => setFilters({ text: '', state: null, hostId: null, folderId: null, label: '' })}
              data-testid="vm-filter-clear"
            >
              Clear filters
            </Button>
          </ToolbarItem>
        )}
        <ToolbarItem align={{ default: 'alignEnd' }}>
          <span className="qhci-subtle" data-testid="vm-count" aria-live="polite">
            {props.shown === props.total
              ? `${props.total} VM${props.total === 1 ? '' : 's'}`
              : `${props.shown} of ${props.total} VMs`}
            {props.selected > 0 && `, ${props.selected} checked`}
          </span>
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}
