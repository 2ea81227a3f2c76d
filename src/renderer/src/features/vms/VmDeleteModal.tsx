import { Checkbox, Content } from '@patternfly/react-core';
import { useState } from 'react';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { ConfirmDeleteModal } from '../../components/ConfirmDeleteModal';
import { TemplateDeleteNote } from '../clones/CloneRelations';

/** Deleting a VM: it is stopped if needed, undefined on its host and forgotten, after a confirmation. */
export function VmDeleteModal(props: { vm: VmSummary; onClose: () => void; onDeleted: () => void }) {
  const remove = useQhciMutation('vms.delete');
  const [deleteDisks, setDeleteDisks] = useState(true);
  return (
    <ConfirmDeleteModal
      id="vm-delete"
      title={`Delete ${props.vm.name}?`}
      onConfirm={() => remove.mutateAsync({ vmId: props.vm.id, deleteDisks })}
      onClose={props.onClose}
      onDone={props.onDeleted}
    >
      <Content component="p">
        {props.vm.state === 'running' || props.vm.state === 'paused'
          ? `${props.vm.name} is ${props.vm.state}: it is forced off first, then `
          : `${props.vm.name} is `}
        undefined on its host and removed from QHCI. This cannot be undone.
      </Content>
      {props.vm.template && <TemplateDeleteNote template={props.vm} />}
      <Checkbox
        id="vm-delete-disks"
        label="Also delete its own disks (its overlay, blank disks and cloud-init seed; never a shared base image)"
        isChecked={deleteDisks}
        onChange={(_e, v) => setDeleteDisks(v)}
        data-testid="vm-delete-disks"
      />
    </ConfirmDeleteModal>
  );
}
