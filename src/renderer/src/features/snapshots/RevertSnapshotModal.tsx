import { Content } from '@patternfly/react-core';
import type { SnapshotNode } from '../../../../shared/domain/snapshot';
import { useQhciMutation } from '../../api/hooks';
import { formatTime } from '../hosts/format';
import { stateAfterRevert } from './tree';
import { TaskModal } from './TaskModal';

/** Reverting a VM to a snapshot, after saying what is lost and what the VM will be afterwards. */
export function RevertSnapshotModal(props: {
  vmId: string;
  vmName: string;
  snapshot: SnapshotNode;
  onClose: () => void;
}) {
  const revert = useQhciMutation('snapshots.revert');
  const { snapshot: s } = props;
  const after = stateAfterRevert(s);
  return (
    <TaskModal
      id="snapshot-revert"
      title={`Revert ${props.vmName} to ${s.name}?`}
      danger
      confirmLabel="Revert"
      onConfirm={() => revert.mutateAsync({ vmId: props.vmId, name: s.name })}
      onClose={props.onClose}
      success={(task) => {
        const now = typeof task.result?.stateAfter === 'string' ? task.result.stateAfter : after;
        return `${props.vmName} is back at ${s.name}; it is ${now}.`;
      }}
    >
      <Content component="p" data-testid="snapshot-revert-lost">
        Everything that happened in {props.vmName} since{' '}
        {s.current ? 'this snapshot' : 'its current snapshot'} is lost: its disks
        {s.memory ? ', its memory' : ''} and its power state go back to how they were at{' '}
        <strong>{s.name}</strong> ({formatTime(s.createdAt)}). Take a snapshot first to keep them.
      </Content>
      <Content component="p" data-testid="snapshot-revert-after">
        {s.memory
          ? `The snapshot holds the VM's memory: afterwards ${props.vmName} is ${after}, where it was.`
          : `The snapshot holds the disks only: afterwards ${props.vmName} is ${after}.`}
      </Content>
    </TaskModal>
  );
}
