import {
  Button,
  FormSelect,
  FormSelectOption,
  MenuToggle,
  Select,
  SelectList,
  SelectOption,
  TextInput,
  TextInputGroup,
  TextInputGroupMain,
  TextInputGroupUtilities,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import FolderOpenIcon from '@patternfly/react-icons/dist/esm/icons/folder-open-icon';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import PowerOffIcon from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import SearchIcon from '@patternfly/react-icons/dist/esm/icons/search-icon';
import TimesIcon from '@patternfly/react-icons/dist/esm/icons/times-icon';
import { memo, useState, type CSSProperties } from 'react';
import { POWER_ACTIONS, VM_STATES, type PowerActionName, type VmState } from '../../../../shared/domain/vm';
import { NO_VM_FILTERS, useUi, type VmKindFilter } from '../../stores/ui';
import { STATE_TEXT } from './state';
import { activeFilterCount, filterRowsOnce, type VmRow } from './filter';
import type { Inventory } from './lookups';
import { POWER_LABEL } from './power';

/**
 * Filters (name, state, host, folder, label), the bulk actions on the checked VMs, and Create VM.
 *
 * A keystroke in the name filter renders only the name field and the count: every other part is its own
 * memoised component that reads just the filter it shows, so the selects, the power menu (a Popper) and
 * the buttons are not rendered again while someone types.
 */
export const VmToolbar = memo(function VmToolbar(props: {
  inventory: Inventory;
  /** Every VM, sorted; the count says how many of them pass the filters. */
  rows: readonly VmRow[];
  selected: number;
  onBulkPower: (action: PowerActionName) => void;
  onMove: () => void;
}) {
  return (
    <Toolbar aria-label="Virtual machine filters and actions" className="qhci-vm-toolbar">
      <ToolbarContent>
        <ToolbarGroup variant="filter-group">
          <ToolbarItem className="qhci-filter-name">
            <NameFilter />
          </ToolbarItem>
          <OtherFilters inventory={props.inventory} />
        </ToolbarGroup>
      </ToolbarContent>
      <ToolbarContent>
        <BulkActions selected={props.selected} onBulkPower={props.onBulkPower} onMove={props.onMove} />
        <KindFilter />
        <ClearFilters />
        <ToolbarItem align={{ default: 'alignEnd' }}>
          <VmCount rows={props.rows} selected={props.selected} />
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
});

/** "N VMs", or "N of M VMs" while filters hide some, and how many are checked. */
function VmCount(props: { rows: readonly VmRow[]; selected: number }) {
  const filters = useUi((s) => s.vmFilters);
  const total = props.rows.length;
  const shown = filterRowsOnce(props.rows, filters).length;
  return (
    <span className="qhci-subtle" data-testid="vm-count" aria-live="polite">
      {shown === total ? `${total} VM${total === 1 ? '' : 's'}` : `${shown} of ${total} VMs`}
      {props.selected > 0 && `, ${props.selected} checked`}
    </span>
  );
}

/**
 * Hides a control that does not apply yet but keeps its place: the first keystroke of a filter then
 * neither mounts it nor moves what is beside it (and hidden, it is out of the tab order and the
 * accessibility tree).
 */
const INVISIBLE: CSSProperties = { visibility: 'hidden' };

/** The name filter's accessible name, and the placeholder that shows it while the field is empty. */
const NAME_FILTER_LABEL = 'Filter by name';

/**
 * The name filter: PatternFly's search field markup (text input group, search icon, clear button) without
 * SearchInput's advanced-search machinery, which renders a Popper and reads computed styles on every
 * keystroke.
 *
 * The placeholder is drawn by an element of ours (vms.css), not by the input's placeholder attribute:
 * Chromium restyles its placeholder on every keystroke and lays the page out once more while editing when
 * it shows or hides, which is on the keystrokes that change every row in view (bench/list). The field's
 * class says whether it is empty; that shows the placeholder and hides the clear button.
 */
function NameFilter() {
  const text = useUi((s) => s.vmFilters.text);
  const setFilters = useUi((s) => s.setVmFilters);
  return (
    <TextInputGroup data-testid="vm-filter-name" className={text === '' ? 'qhci-filter-empty' : undefined}>
      <span className="qhci-filter-placeholder" aria-hidden="true" data-testid="vm-filter-name-placeholder">
        {NAME_FILTER_LABEL}
      </span>
      <TextInputGroupMain
        icon={<SearchIcon />}
        value={text}
        aria-label={NAME_FILTER_LABEL}
        onChange={(_e, value) => setFilters({ text: value })}
      />
      <TextInputGroupUtilities>
        <Button
          variant="plain"
          aria-label="Clear the name filter"
          icon={<TimesIcon />}
          onClick={() => setFilters({ text: '' })}
          data-testid="vm-filter-name-clear"
        />
      </TextInputGroupUtilities>
    </TextInputGroup>
  );
}

const OtherFilters = memo(function OtherFilters(props: { inventory: Inventory }) {
  const state = useUi((s) => s.vmFilters.state);
  const hostId = useUi((s) => s.vmFilters.hostId);
  const folderId = useUi((s) => s.vmFilters.folderId);
  const label = useUi((s) => s.vmFilters.label);
  const setFilters = useUi((s) => s.setVmFilters);
  return (
    <>
      <FilterSelect
        what="state"
        value={state}
        options={VM_STATES.map((s) => ({ value: s, label: STATE_TEXT[s] }))}
        onChange={(v) => setFilters({ state: v as VmState | null })}
      />
      <FilterSelect
        what="host"
        value={hostId}
        options={props.inventory.hosts.map((h) => ({ value: h.id, label: h.name }))}
        onChange={(v) => setFilters({ hostId: v })}
      />
      <FilterSelect
        what="folder"
        value={folderId}
        options={[
          { value: 'none', label: 'In no folder' },
          ...props.inventory.folders.map((f) => ({ value: f.id, label: f.path })),
        ]}
        onChange={(v) => setFilters({ folderId: v })}
      />
      <ToolbarItem>
        <TextInput
          aria-label="Filter by label (key or key=value)"
          placeholder="Label: key=value"
          value={label}
          onChange={(_e, value) => setFilters({ label: value })}
          data-testid="vm-filter-label"
          className="qhci-filter-label"
        />
      </ToolbarItem>
    </>
  );
});

/** The kind filter's options: templates at a glance, apart from the VMs that run. */
const KIND_OPTIONS: readonly { value: VmKindFilter; label: string }[] = [
  { value: 'vm', label: 'Virtual machines' },
  { value: 'template', label: 'Templates' },
  { value: 'linked', label: 'Linked clones' },
];

/** One of the select filters: "Any <what>" (null) or one of the options. */
function FilterSelect(props: {
  what: 'state' | 'host' | 'folder' | 'kind';
  value: string | null;
  options: readonly { value: string; label: string }[];
  onChange: (value: string | null) => void;
}) {
  return (
    <ToolbarItem>
      <FormSelect
        aria-label={`Filter by ${props.what}`}
        value={props.value ?? ''}
        onChange={(_e, v) => props.onChange(v === '' ? null : v)}
        data-testid={`vm-filter-${props.what}`}
        className="qhci-filter-select"
      >
        <FormSelectOption value="" label={`Any ${props.what}`} />
        {props.options.map((o) => (
          <FormSelectOption key={o.value} value={o.value} label={o.label} />
        ))}
      </FormSelect>
    </ToolbarItem>
  );
}

const BulkActions = memo(function BulkActions(props: {
  selected: number;
  onBulkPower: (action: PowerActionName) => void;
  onMove: () => void;
}) {
  const goTo = useUi((s) => s.goTo);
  const [powerOpen, setPowerOpen] = useState(false);
  return (
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
  );
});

/**
 * Templates or VMs (or linked clones): on the actions' row, where there is room, so that the filters above
 * keep to one line.
 */
const KindFilter = memo(function KindFilter() {
  const kind = useUi((s) => s.vmFilters.kind);
  const setFilters = useUi((s) => s.setVmFilters);
  return (
    <FilterSelect
      what="kind"
      value={kind}
      options={KIND_OPTIONS}
      onChange={(v) => setFilters({ kind: v as VmKindFilter | null })}
    />
  );
});

/** "Clear filters", shown while any filter is set; renders again only when that changes. */
const ClearFilters = memo(function ClearFilters() {
  const active = useUi((s) => activeFilterCount(s.vmFilters) > 0);
  const setFilters = useUi((s) => s.setVmFilters);
  return (
    <ToolbarItem>
      <Button
        variant="link"
        isInline
        onClick={() => setFilters(NO_VM_FILTERS)}
        data-testid="vm-filter-clear"
        style={active ? undefined : INVISIBLE}
      >
        Clear filters
      </Button>
    </ToolbarItem>
  );
});
