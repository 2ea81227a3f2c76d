import { Table, Tbody, Th, Thead, Tr, type ThProps } from '@patternfly/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  createContext,
  memo,
  useCallback,
  useContext,
  useLayoutEffect,
  useRef,
  useState,
  type DragEvent,
  type RefObject,
} from 'react';
import type { PowerActionName, VmSummary } from '../../../../shared/domain/vm';
import type { VmSortKey } from '../../stores/ui';
import { StaticLabel } from '../../components/StaticLabel';
import type { VmActionName } from '../clones/actions';
import { setDraggedVms } from './drag';
import { SlotPool, type Slot } from './slots';
import type { VmRow } from './filter';
import { VmPowerMenu } from './VmPowerMenu';
import { VmRowPower } from './VmRowPower';
import { VmStateBadge } from './VmStateBadge';
import { CpuSparkCell, MemUsedCell } from '../usage/VmUsageCells';

/** The power menu's toggle while it is closed. */
const NO_TOGGLE: RefObject<HTMLButtonElement | null> = { current: null };

/** Every row has this height (CSS keeps it), so the virtualiser needs no measuring. */
export const ROW_HEIGHT = 44;

/** The columns; the table's layout is fixed (widths in vms.css), so a row never grows taller. */
const COLUMNS: readonly { key: VmSortKey | null; title: string }[] = [
  { key: 'name', title: 'Name' },
  { key: 'state', title: 'State' },
  { key: 'host', title: 'Host' },
  { key: 'folder', title: 'Folder' },
  { key: 'labels', title: 'Labels' },
  { key: 'cpu', title: 'CPU' },
  { key: 'memUsed', title: 'Memory' },
  { key: null, title: 'Power' },
];

interface RowProps {
  readonly row: VmRow;
  readonly selected: boolean;
  readonly pending: PowerActionName | null;
  /** Whether the list's power menu is open for this row's VM. */
  readonly menuOpen: boolean;
  /**
   * A spare: a row element kept for reuse that shows no VM now (slots.ts). It keeps what it showed, with
   * nothing a layout depends on changed, and sits below the rows in view or in the clipped part of the table
   * (VmTable). Hidden from assistive technology, out of the tab order, and without test ids.
   */
  readonly spare: boolean;
  readonly onToggle: (vm: VmSummary, selected: boolean) => void;
  readonly onOpen: (vm: VmSummary) => void;
  readonly onPower: (vm: VmSummary, action: PowerActionName) => void;
  readonly onMenu: (vm: VmSummary, toggle: HTMLButtonElement) => void;
  readonly onDragStart: (vm: VmSummary, event: DragEvent) => void;
}

function labelText(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
}

/**
 * One VM. Memoised: a keystroke that keeps a row on screen does not render it again. Plain elements with
 * PatternFly's table classes: its Td measures every cell after mounting (for truncation tooltips), which
 * forces a style and layout pass per cell, too slow for rows mounted on every keystroke.
 */
const VmTableRow = memo(function VmTableRow(props: RowProps) {
  const { vm, hostName, folderPath } = props.row;
  const labels = labelText(vm.labels);
  const id = (testId: string) => (props.spare ? undefined : testId);
  const tabIndex = props.spare ? -1 : undefined;
  return (
    <tr
      className={`pf-v6-c-table__tr qhci-vm-row${props.selected ? ' pf-m-selected' : ''}`}
      aria-hidden={props.spare || undefined}
      data-testid={id(`vm-row-${vm.name}`)}
      draggable
      onDragStart={(e) => props.onDragStart(vm, e)}
    >
      <td className="pf-v6-c-table__td pf-v6-c-table__check">
        <input
          type="checkbox"
          className="qhci-row-check"
          checked={props.selected}
          onChange={(e) => props.onToggle(vm, e.currentTarget.checked)}
          aria-label={`Select ${vm.name}`}
          tabIndex={tabIndex}
          data-testid={id(`vm-select-${vm.name}`)}
        />
      </td>
      <td className="pf-v6-c-table__td qhci-cell-clip" data-label="Name">
        <button
          type="button"
          className="qhci-row-link"
          onClick={() => props.onOpen(vm)}
          aria-label={`Open ${vm.name}`}
          title={vm.name}
          tabIndex={tabIndex}
          data-testid={id(`vm-open-${vm.name}`)}
        >
          {vm.name}
        </button>
      </td>
      <td className="pf-v6-c-table__td qhci-cell-clip" data-label="State">
        <VmStateBadge vm={vm} testId={!props.spare} />
      </td>
      <td
        className="pf-v6-c-table__td qhci-cell-clip"
        data-label="Host"
        data-testid={id(`vm-host-${vm.name}`)}
      >
        {hostName || '—'}
      </td>
      <td
        className="pf-v6-c-table__td qhci-cell-clip"
        data-label="Folder"
        data-testid={id(`vm-folder-${vm.name}`)}
      >
        {folderPath || '—'}
      </td>
      <td
        className="pf-v6-c-table__td qhci-cell-clip"
        data-label="Labels"
        data-testid={id(`vm-labels-${vm.name}`)}
      >
        {labels.slice(0, 2).map((l) => (
          <StaticLabel key={l} color="blue" title={l}>
            {l}
          </StaticLabel>
        ))}
        {labels.length > 2 && (
          <span className="qhci-subtle" title={labels.slice(2).join(', ')}>
            {' '}
            +{labels.length - 2}
          </span>
        )}
      </td>
      <td className="pf-v6-c-table__td qhci-cell-clip" data-label="CPU">
        <CpuSparkCell vmId={vm.id} name={vm.name} live={!props.spare} />
      </td>
      <td className="pf-v6-c-table__td qhci-cell-clip" data-label="Memory">
        <MemUsedCell vmId={vm.id} name={vm.name} live={!props.spare} />
      </td>
      <td className="pf-v6-c-table__td pf-m-fit-content" data-label="Power">
        <VmRowPower
          vm={vm}
          pending={props.pending}
          menuOpen={props.menuOpen}
          spare={props.spare}
          onAction={(action) => props.onPower(vm, action)}
          onMenu={(toggle) => props.onMenu(vm, toggle)}
        />
      </td>
    </tr>
  );
});

interface HeadProps {
  readonly sort: { key: VmSortKey; direction: 'asc' | 'desc' };
  readonly onSort: (key: VmSortKey, direction: 'asc' | 'desc') => void;
}

/**
 * The check-all box. It reads the body's context, so that a filter that empties the list (or fills it
 * again) renders this box and not the header's cells.
 */
function CheckAll() {
  const { rows, checked, onCheckAll } = useContext(BodyContext)!;
  return (
    <input
      type="checkbox"
      className="qhci-row-check"
      checked={checked === 'all'}
      ref={(el) => {
        if (el) el.indeterminate = checked === 'some';
      }}
      disabled={rows.length === 0}
      onChange={(e) => onCheckAll(e.currentTarget.checked)}
      aria-label="Select every VM the filters show"
      data-testid="vm-select-all"
    />
  );
}

/** The header: sortable columns and the check-all box. */
function VmTableHead(props: HeadProps) {
  const sortParams = (key: VmSortKey | null, index: number): ThProps['sort'] =>
    key === null
      ? undefined
      : {
          columnIndex: index,
          sortBy: {
            index: COLUMNS.findIndex((c) => c.key === props.sort.key),
            direction: props.sort.direction,
            defaultDirection: 'asc',
          },
          onSort: (_e, _i, direction) => props.onSort(key, direction),
        };
  return (
    <Thead>
      <Tr>
        <Th className="pf-v6-c-table__check" aria-label="Select">
          <CheckAll />
        </Th>
        {COLUMNS.map((c, i) => (
          <Th
            key={c.title}
            modifier="nowrap"
            sort={sortParams(c.key, i)}
            data-testid={c.key === null ? undefined : `vm-sort-${c.key}`}
          >
            {c.title}
          </Th>
        ))}
      </Tr>
    </Thead>
  );
}

/**
 * The VM list, virtualised: only the rows in view (and a few around them) are in the DOM, between two
 * spacer rows that keep the scroll height of all of them. Smooth at 10,000 rows.
 */
export function VmTable(props: {
  rows: readonly VmRow[];
  selection: ReadonlySet<string>;
  pending: ReadonlyMap<string, PowerActionName>;
  sort: { key: VmSortKey; direction: 'asc' | 'desc' };
  onSort: (key: VmSortKey, direction: 'asc' | 'desc') => void;
  onSelectionChange: (ids: ReadonlySet<string>) => void;
  onOpen: (vm: VmSummary) => void;
  onPower: (vm: VmSummary, action: PowerActionName) => void;
  /** A clone or template action chosen in a row's menu. */
  onVmAction: (vm: VmSummary, action: VmActionName) => void;
}) {
  const { rows, selection, onSelectionChange } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualiser's functions change with every scroll; nothing memoises them here (no React Compiler).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // One row beyond each edge: every row in the DOM is laid out again on a keystroke that changes the
    // VMs in view, and with fixed heights scrolling needs no more.
    overscan: 1,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  // Row elements by slot (slots.ts): a keystroke that shows fewer VMs keeps the rest as spares, unchanged,
  // below the rows in view. They take the place of as much of the bottom spacer as there is; what is left
  // of them past the end of the list is clipped (the frame's height is the table's true height).
  const [pool] = useState(() => new SlotPool<VmRow>());
  const slots = pool.assign(
    items[0]?.index ?? 0,
    items.map((item) => rows[item.index]!),
  );
  const spareHeight = (slots.length - items.length) * ROW_HEIGHT;
  const headHeight = useHeadHeight(scrollRef);
  const clipped = spareHeight > bottom && headHeight > 0;

  // The power menu: one for the list, for the VM whose row's menu button was pressed (VmPowerMenu). Each
  // opening gets a ref of its own to that button: PatternFly's Popper reads the ref when the ref changes.
  const [menu, setMenu] = useState<{ vmId: string; toggle: RefObject<HTMLButtonElement> } | null>(null);
  const menuVmId = menu?.vmId ?? null;
  const menuVm = menuVmId === null ? null : (rows.find((r) => r.vm.id === menuVmId)?.vm ?? null);
  const onMenu = useCallback((vm: VmSummary, toggle: HTMLButtonElement) => {
    setMenu((open) => (open?.vmId === vm.id ? null : { vmId: vm.id, toggle: { current: toggle } }));
  }, []);
  const closeMenu = useCallback(() => setMenu(null), []);
  // A VM that leaves the list (deleted, or filtered out by a state change) takes its menu with it.
  useLayoutEffect(() => {
    if (menuVmId !== null && menuVm === null) setMenu(null);
  }, [menuVmId, menuVm]);

  const selectedInView = rows.reduce((n, r) => n + (selection.has(r.vm.id) ? 1 : 0), 0);
  const allSelected = rows.length > 0 && selectedInView === rows.length;

  const toggle = useCallback(
    (vm: VmSummary, on: boolean) => {
      const next = new Set(selection);
      if (on) next.add(vm.id);
      else next.delete(vm.id);
      onSelectionChange(next);
    },
    [selection, onSelectionChange],
  );
  // Dragging a checked row drags every checked VM; any other row drags itself.
  const dragStart = useCallback(
    (vm: VmSummary, event: DragEvent) =>
      setDraggedVms(event, selection.has(vm.id) ? [...selection] : [vm.id]),
    [selection],
  );

  const checkAll = useCallback(
    (on: boolean) => {
      const next = new Set(selection);
      for (const r of rows) {
        if (on) next.add(r.vm.id);
        else next.delete(r.vm.id);
      }
      onSelectionChange(next);
    },
    [rows, selection, onSelectionChange],
  );

  // aria-rowcount changes with every keystroke; it is set on the element so that the table is not rendered
  // again for it (see VmTableFrame).
  useLayoutEffect(() => {
    scrollRef.current?.querySelector('table')?.setAttribute('aria-rowcount', String(rows.length + 1));
  }, [rows.length]);

  const body: BodyProps = {
    rows,
    slots,
    top,
    bottom: Math.max(0, bottom - spareHeight),
    selection,
    pending: props.pending,
    onToggle: toggle,
    onOpen: props.onOpen,
    onPower: props.onPower,
    onMenu,
    menuVmId,
    onDragStart: dragStart,
    checked: allSelected ? 'all' : selectedInView > 0 ? 'some' : 'none',
    onCheckAll: checkAll,
  };
  return (
    <>
      <div
        ref={scrollRef}
        className="qhci-vm-scroll"
        data-testid="vm-table-scroll"
        tabIndex={-1}
        // The menu stays by its row's button: scrolling, which gives that row to another VM, closes it.
        onScroll={menuVmId === null ? undefined : closeMenu}
      >
        <div
          className="qhci-vm-clip"
          style={clipped ? { height: headHeight + rows.length * ROW_HEIGHT } : undefined}
        >
          <BodyContext.Provider value={body}>
            <VmTableFrame sort={props.sort} onSort={props.onSort} />
          </BodyContext.Provider>
        </div>
      </div>
      <VmPowerMenu
        vm={menuVm}
        pending={menuVm === null ? null : (props.pending.get(menuVm.id) ?? null)}
        toggleRef={menu?.toggle ?? NO_TOGGLE}
        onClose={closeMenu}
        onAction={props.onPower}
        onVmAction={props.onVmAction}
      />
    </>
  );
}

/**
 * The height of the table's header, observed (never read from layout): the spares past the end of the list
 * are clipped below header + rows. 0 until known, and then nothing is clipped.
 */
function useHeadHeight(scrollRef: RefObject<HTMLDivElement | null>): number {
  const [height, setHeight] = useState(0);
  useLayoutEffect(() => {
    const head = scrollRef.current?.querySelector('thead');
    if (!head) return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.borderBoxSize[0];
      if (box) setHeight(box.blockSize);
    });
    observer.observe(head);
    return () => observer.disconnect();
  }, [scrollRef]);
  return height;
}

interface BodyProps {
  /** Every VM that passes the filters. */
  readonly rows: readonly VmRow[];
  /** The row elements: the VMs in view, then the spares. */
  readonly slots: readonly Slot<VmRow>[];
  readonly top: number;
  readonly bottom: number;
  readonly selection: ReadonlySet<string>;
  readonly pending: ReadonlyMap<string, PowerActionName>;
  readonly onToggle: RowProps['onToggle'];
  readonly onOpen: RowProps['onOpen'];
  readonly onPower: RowProps['onPower'];
  readonly onMenu: RowProps['onMenu'];
  /** The VM whose power menu is open. */
  readonly menuVmId: string | null;
  readonly onDragStart: RowProps['onDragStart'];
  /** Whether the check-all box shows every row checked, some, or none. */
  readonly checked: 'all' | 'some' | 'none';
  readonly onCheckAll: (on: boolean) => void;
}

/** What the body shows; through a context, so that a change reaches the body and not the whole table. */
const BodyContext = createContext<BodyProps | null>(null);

/**
 * PatternFly's Table with the header, memoised on the header's props. Table gives its cells a new context
 * value each time it renders, which renders every header cell again and makes each measure itself (a forced
 * layout); kept out of a keystroke's work, only the body below renders then.
 */
const VmTableFrame = memo(function VmTableFrame(props: HeadProps) {
  return (
    <Table
      aria-label="Virtual machines"
      className="qhci-vm-table"
      variant="compact"
      isStickyHeader
      data-testid="vm-table"
    >
      <VmTableHead {...props} />
      <Tbody>
        <VmTableBody />
      </Tbody>
    </Table>
  );
});

/** Room for the rows above or below those in the DOM. */
function Spacer(props: { height: number }) {
  return (
    <tr aria-hidden="true" className="qhci-vm-spacer">
      <td colSpan={COLUMNS.length + 1} style={{ height: props.height }} />
    </tr>
  );
}

function VmTableBody() {
  const b = useContext(BodyContext)!;
  // Both spacers are always there, of height 0 when there is nothing to make room for: a row coming or
  // going changes the table's structure, which lays out every row again, spares included (bench/list).
  return (
    <>
      <Spacer height={b.top} />
      {b.slots.map(({ key, item: row, spare }) => {
        // Keyed by slot, not by VM: when a filter or sort changes which VMs are in view, React updates the
        // rows already in the DOM instead of removing them and building new ones (the costly part of a
        // keystroke), and a filter that shows fewer VMs keeps the others as spares for the next keystroke.
        return (
          <VmTableRow
            key={key}
            row={row}
            spare={spare}
            selected={!spare && b.selection.has(row.vm.id)}
            pending={spare ? null : (b.pending.get(row.vm.id) ?? null)}
            menuOpen={!spare && b.menuVmId === row.vm.id}
            onToggle={b.onToggle}
            onOpen={b.onOpen}
            onPower={b.onPower}
            onMenu={b.onMenu}
            onDragStart={b.onDragStart}
          />
        );
      })}
      <Spacer height={b.bottom} />
    </>
  );
}
