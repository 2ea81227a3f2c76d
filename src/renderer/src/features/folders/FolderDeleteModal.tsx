import { Alert, Button, Content, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useState } from 'react';
import type { AppError } from '../../../../shared/domain/errors';
import type { FolderNode } from '../../../../shared/domain/folder';
import { toAppError } from '../../components/errors';
import { countDescendants, countVmsInSubtree } from './tree';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Confirms deleting a folder: says how many subfolders go with it, and that its VMs stay in the inventory. */
export function FolderDeleteModal(props: {
  folder: FolderNode;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const { folder } = props;
  const subfolders = countDescendants(folder);
  const vms = countVmsInSubtree(folder);
  const [error, setError] = useState<AppError | undefined>();
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (err) {
      setError(toAppError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby="folder-delete-title"
      aria-describedby="folder-delete-body"
      data-testid="folder-delete-modal"
    >
      <ModalHeader
        title={`Delete ${folder.path}?`}
        labelId="folder-delete-title"
        titleIconVariant="warning"
      />
      <ModalBody id="folder-delete-body">
        {error && <Alert variant="danger" isInline title={error.message} data-testid="folder-form-error" />}
        <Content component="p" data-testid="folder-delete-summary">
          {subfolders === 0
            ? 'This folder has no subfolders.'
            : `Its ${plural(subfolders, 'subfolder', 'subfolders')} will be deleted too.`}
        </Content>
        <Content component="p" data-testid="folder-delete-vms">
          {vms === 0
            ? 'No virtual machines are in it. Virtual machines are never deleted with a folder.'
            : `The ${plural(vms, 'virtual machine', 'virtual machines')} in it stay in the inventory, without a folder.`}
        </Content>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          onClick={() => void confirm()}
          isLoading={busy}
          isDisabled={busy}
          data-testid="folder-delete-confirm"
        >
          Delete
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="folder-delete-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
