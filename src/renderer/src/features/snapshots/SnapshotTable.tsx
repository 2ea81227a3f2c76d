import { Button, Flex } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, TreeRowWrapper, type TdProps } from '@patternfly/react-table';
import { useState } from 'react';
import type { SnapshotNode } from '../../../../shared/domain/snapshot';
import { StaticLabel } from '../../components/StaticLabel';
import { formatTime } from '../hosts/format';
import { MODE_LABEL } from './plan';
import { recordedState, snapshotRows, snapshotTestId, type SnapshotRow } from './tree';

/**
 * A VM's snapshots as a tree table: children indented under their parent, the current one marked, a
 * checkbox per snapshot (selecting a parent does not select its children: each is deleted on its own) and
 * Revert and Delete on each row.
 */
export function SnapshotTable(props: {
  roots: readonly SnapshotNode[];
  selected: ReadonlySet<string>;
  onSelect: (name: string, selected: boolean) => void;
  onRevert: (snapshot: SnapshotNode) => void;
  onDelete: (snapshot: SnapshotNode) => void;
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = snapshotRows(props.roots, collapsed);
  const toggle = (name: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(name)) next.add(name);
      return next;
    });

  return (
    <Table isTreeTable variant="compact" aria-label="Snapshots" data-testid="snapshot-table">
      <Thead>
        <tr>
          <Th width={30}>Name</Th>
          <Th>Taken</Th>
          <Th>VM state then</Th>
          <Th>Mode</Th>
          <Th>Description</Th>
          <Th screenReaderText="Actions" />
        </tr>
      </Thead>
      <Tbody>
        {rows.map((row, rowIndex) => (
          <Row
            key={row.node.name}
            row={row}
            rowIndex={rowIndex}
            expanded={!collapsed.has(row.node.name)}
            checked={props.selected.has(row.node.name)}
            onToggle={() => toggle(row.node.name)}
            onSelect={(v) => props.onSelect(row.node.name, v)}
            onRevert={() => props.onRevert(row.node)}
            onDelete={() => props.onDelete(row.node)}
          />
        ))}
      </Tbody>
    </Table>
  );
}

function Row(props: {
  row: SnapshotRow;
  rowIndex: number;
  expanded: boolean;
  checked: boolean;
  onToggle: () => void;
  onSelect: (selected: boolean) => void;
  onRevert: () => void;
  onDelete: () => void;
}) {
  const { node: s, level, posinset, hidden } = props.row;
  const id = snapshotTestId(s.name);
  const treeRow: TdProps['treeRow'] = {
    onCollapse: props.onToggle,
    onCheckChange: (_e, checked) => props.onSelect(checked),
    rowIndex: props.rowIndex,
    props: {
      isExpanded: props.expanded,
      isHidden: hidden,
      'aria-level': level,
      'aria-posinset': posinset,
      // PatternFly's tree table reads aria-setsize as the row's number of children (it draws the toggle).
      'aria-setsize': s.children.length,
      toggleAriaLabel: `${props.expanded ? 'Collapse' : 'Expand'} the snapshots under ${s.name}`,
      checkAriaLabel: `Select ${s.name}`,
      isChecked: props.checked,
      checkboxId: `snapshot-select-${id}`,
    },
  };
  return (
    <TreeRowWrapper
      row={{ props: treeRow.props }}
      data-testid={`snapshot-row-${id}`}
      data-current={s.current ? 'true' : undefined}
    >
      <Td dataLabel="Name" treeRow={treeRow}>
        <Flex
          gap={{ default: 'gapSm' }}
          alignItems={{ default: 'alignItemsCenter' }}
          flexWrap={{ default: 'nowrap' }}
        >
          <strong className="qhci-break" data-testid={`snapshot-name-${id}`}>
            {s.name}
          </strong>
          {s.current && (
            <StaticLabel
              status="info"
              testId={`snapshot-current-${id}`}
              title="The VM's state descends from it"
            >
              Current
            </StaticLabel>
          )}
        </Flex>
      </Td>
      <Td dataLabel="Taken" modifier="nowrap" data-testid={`snapshot-created-${id}`}>
        {formatTime(s.createdAt)}
      </Td>
      <Td dataLabel="VM state then" data-testid={`snapshot-state-${id}`}>
        {recordedState(s)}
      </Td>
      <Td dataLabel="Mode" data-testid={`snapshot-mode-${id}`}>
        {MODE_LABEL[s.mode]}
      </Td>
      <Td dataLabel="Description" className="qhci-break" data-testid={`snapshot-description-${id}`}>
        {s.description || <span className="qhci-subtle">—</span>}
      </Td>
      <Td isActionCell modifier="nowrap">
        <Flex gap={{ default: 'gapMd' }} flexWrap={{ default: 'nowrap' }}>
          <Button variant="link" isInline onClick={props.onRevert} data-testid={`snapshot-revert-${id}`}>
            Revert
          </Button>
          <Button
            variant="link"
            isInline
            isDanger
            onClick={props.onDelete}
            data-testid={`snapshot-delete-${id}`}
          >
            Delete
          </Button>
        </Flex>
      </Td>
    </TreeRowWrapper>
  );
}
