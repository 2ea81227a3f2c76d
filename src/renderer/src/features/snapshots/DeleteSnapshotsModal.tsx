import { Content, List, ListItem, Stack } from '@patternfly/react-core';
import type { SnapshotNode } from '../../../../shared/domain/snapshot';
import { useQhciMutation } from '../../api/hooks';
import { deleteEffects, snapshotTestId } from './tree';
import { TaskModal } from './TaskModal';

/** Deleting one or more snapshots, after listing them and what becomes of their data. */
export function DeleteSnapshotsModal(props: {
  vmId: string;
  vmName: string;
  roots: readonly SnapshotNode[];
  names: readonly string[];
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useQhciMutation('snapshots.delete');
  const effects = deleteEffects(props.roots, props.names);
  const many = props.names.length > 1;
  return (
    <TaskModal
      id="snapshot-delete"
      title={many ? `Delete ${props.names.length} snapshots?` : `Delete snapshot ${props.names[0] ?? ''}?`}
      danger
      confirmLabel="Delete"
      onConfirm={async () => {
        const started = await remove.mutateAsync({ vmId: props.vmId, names: [...props.names] });
        props.onDeleted();
        return started;
      }}
      onClose={props.onClose}
      success={() => (many ? `${props.names.length} snapshots were deleted.` : 'The snapshot was deleted.')}
    >
      <Stack hasGutter>
        <List data-testid="snapshot-delete-list">
          {effects.map((e) => (
            <ListItem key={e.name} data-testid={`snapshot-delete-item-${snapshotTestId(e.name)}`}>
              <strong>{e.name}</strong>
              {e.childrenGoToo
                ? ': deleted with the snapshots below it; none that stays depends on it.'
                : e.mergesInto.length === 0
                  ? ': no snapshot depends on it; it is removed.'
                  : `: its data merges into ${e.mergesInto.join(', ')}.`}
              {e.current &&
                (e.newCurrent === null
                  ? ' It is the current snapshot: afterwards none is current.'
                  : ` It is the current snapshot: ${e.newCurrent} becomes current.`)}
            </ListItem>
          ))}
        </List>
        <Content component="p" data-testid="snapshot-delete-vm-unaffected">
          {props.vmName}&apos;s current state (its disks, memory and power state now) is not affected. This
          cannot be undone.
        </Content>
      </Stack>
    </TaskModal>
  );
}
