import {
  Alert,
  Button,
  Checkbox,
  Content,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';

/** Deleting a VM: it is stopped if needed, undefined on its host and forgotten, after a confirmation. */
export function VmDeleteModal(props: { vm: VmSummary; onClose: () => void; onDeleted: () => void }) {
  const remove = useQhciMutation('vms.delete');
  const [deleteDisks, setDeleteDisks] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setError(null);
    try {
      await remove.mutateAsync({ vmId: props.vm.id, deleteDisks });
      props.onClose();
      props.onDeleted();
    } catch (err) {
      setError(toAppError(err).message);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby="vm-delete-title"
      elementToFocus="#vm-delete-cancel"
      data-testid="vm-delete-modal"
    >
      <ModalHeader title={`Delete ${props.vm.name}?`} titleIconVariant="danger" labelId="vm-delete-title" />
      <ModalBody>
        {error !== null && <Alert variant="danger" isInline title={error} data-testid="vm-delete-error" />}
        <Content component="p">
          {props.vm.state === 'running' || props.vm.state === 'paused'
            ? `${props.vm.name} is ${props.vm.state}: it is forced off first, then `
            : `${props.vm.name} is `}
          undefined on its host and removed from QHCI. This cannot be undone.
        </Content>
        <Checkbox
          id="vm-delete-disks"
          label="Also delete its own disks (its overlay, blank disks and cloud-init seed; never a shared base image)"
          isChecked={deleteDisks}
          onChange={(_e, v) => setDeleteDisks(v)}
          data-testid="vm-delete-disks"
        />
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          onClick={() => void confirm()}
          isLoading={remove.isPending}
          isDisabled={remove.isPending}
          data-testid="vm-delete-confirm"
        >
          Delete
        </Button>
        <Button variant="link" id="vm-delete-cancel" onClick={props.onClose} data-testid="vm-delete-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
