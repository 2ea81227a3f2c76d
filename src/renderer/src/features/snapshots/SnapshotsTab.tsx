import {
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import CameraIcon from '@patternfly/react-icons/dist/esm/icons/camera-icon';
import SyncAltIcon from '@patternfly/react-icons/dist/esm/icons/sync-alt-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { AppError } from '../../../../shared/domain/errors';
import type { SnapshotNode, SnapshotTree } from '../../../../shared/domain/snapshot';
import type { VmState } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { DeleteSnapshotsModal } from './DeleteSnapshotsModal';
import { RevertSnapshotModal } from './RevertSnapshotModal';
import { SnapshotTable } from './SnapshotTable';
import { TakeSnapshotModal } from './TakeSnapshotModal';
import { snapshotRows } from './tree';
import './snapshots.css';

type Dialog =
  | { kind: 'take' }
  | { kind: 'revert'; snapshot: SnapshotNode }
  | { kind: 'delete'; names: readonly string[] };

/** The VM page's Snapshots tab: the tree read from the host now, and take, revert and delete. */
export function SnapshotsTab(props: { vmId: string; vmName: string; vmState: VmState }) {
  const list = useQhciQuery('snapshots.list', { vmId: props.vmId });
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const roots = list.data?.roots ?? [];
  const names = new Set(snapshotRows(roots).map((r) => r.node.name));
  // A selected snapshot that is gone (deleted, or by another tool) is no longer selected.
  const selected = [...picked].filter((n) => names.has(n));

  const select = (name: string, on: boolean) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  return (
    <div data-testid="snapshots-tab">
      <SnapshotToolbar
        list={list}
        selected={selected.length}
        onTake={() => setDialog({ kind: 'take' })}
        onDelete={() => setDialog({ kind: 'delete', names: selected })}
      />
      <SnapshotsBody
        list={list}
        vmName={props.vmName}
        selected={new Set(selected)}
        onSelect={select}
        onRevert={(snapshot) => setDialog({ kind: 'revert', snapshot })}
        onDelete={(s) => setDialog({ kind: 'delete', names: [s.name] })}
      />
      {dialog?.kind === 'take' && (
        <TakeSnapshotModal
          vmId={props.vmId}
          vmName={props.vmName}
          vmState={props.vmState}
          taken={names}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'revert' && (
        <RevertSnapshotModal
          vmId={props.vmId}
          vmName={props.vmName}
          snapshot={dialog.snapshot}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteSnapshotsModal
          vmId={props.vmId}
          vmName={props.vmName}
          roots={roots}
          names={dialog.names}
          onClose={() => setDialog(null)}
          onDeleted={() => setPicked(new Set())}
        />
      )}
    </div>
  );
}

function SnapshotsBody(props: {
  list: UseQueryResult<SnapshotTree, AppError>;
  vmName: string;
  selected: ReadonlySet<string>;
  onSelect: (name: string, selected: boolean) => void;
  onRevert: (s: SnapshotNode) => void;
  onDelete: (s: SnapshotNode) => void;
}) {
  const { list } = props;
  if (list.isPending) return <Spinner aria-label="Reading the snapshots" data-testid="snapshots-loading" />;
  if (list.isError) {
    return (
      <Alert
        variant="danger"
        isInline
        title={`The snapshots of ${props.vmName} could not be read`}
        data-testid="snapshots-error"
        actionLinks={
          <Button variant="link" isInline onClick={() => void list.refetch()} data-testid="snapshots-retry">
            Try again
          </Button>
        }
      >
        <span data-testid="snapshots-error-message">{list.error.message}</span>
      </Alert>
    );
  }
  if (list.data.count === 0) {
    return (
      <EmptyState
        titleText="No snapshots yet"
        headingLevel="h2"
        icon={CameraIcon}
        data-testid="snapshots-empty"
      >
        <EmptyStateBody>
          A snapshot records {props.vmName} as it is now (its disks and, while it runs, its memory), so that
          it can be reverted to that point later. Take snapshot above takes the first one.
        </EmptyStateBody>
      </EmptyState>
    );
  }
  return (
    <SnapshotTable
      roots={list.data.roots}
      selected={props.selected}
      onSelect={props.onSelect}
      onRevert={props.onRevert}
      onDelete={props.onDelete}
    />
  );
}

/** Take snapshot, Delete (the selected ones), read again, and how many there are. */
function SnapshotToolbar(props: {
  list: UseQueryResult<SnapshotTree, AppError>;
  selected: number;
  onTake: () => void;
  onDelete: () => void;
}) {
  return (
    <Toolbar>
      <ToolbarContent>
        <ToolbarItem>
          <Button icon={<CameraIcon />} onClick={props.onTake} data-testid="snapshot-take">
            Take snapshot
          </Button>
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="secondary"
            isDanger
            icon={<TrashIcon />}
            isDisabled={props.selected === 0}
            onClick={props.onDelete}
            data-testid="snapshot-delete-selected"
          >
            {props.selected === 0 ? 'Delete' : `Delete ${props.selected} selected`}
          </Button>
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="plain"
            icon={<SyncAltIcon />}
            aria-label="Read the snapshots again"
            isLoading={props.list.isFetching}
            onClick={() => void props.list.refetch()}
            data-testid="snapshot-refresh"
          />
        </ToolbarItem>
        {props.list.data !== undefined && !props.list.isError && (
          <ToolbarItem alignSelf="center" className="qhci-subtle" data-testid="snapshot-count">
            {props.list.data.count === 1 ? '1 snapshot' : `${props.list.data.count} snapshots`}
          </ToolbarItem>
        )}
      </ToolbarContent>
    </Toolbar>
  );
}
