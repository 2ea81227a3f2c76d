import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { FolderNode } from '../../../../shared/domain/folder';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';

/** "Move to folder" for one VM or the checked ones: the keyboard's way to do what a drag does. */
export function VmMoveModal(props: {
  vmIds: readonly string[];
  /** What the title calls them: a VM's name, or "3 virtual machines". */
  what: string;
  folders: readonly FolderNode[];
  onClose: () => void;
  onMoved?: () => void;
}) {
  const move = useQhciMutation('vms.moveToFolder');
  const [target, setTarget] = useState(props.folders[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setError(null);
    try {
      await move.mutateAsync({ vmIds: [...props.vmIds], folderId: target === 'none' ? null : target });
      props.onMoved?.();
      props.onClose();
    } catch (err) {
      setError(toAppError(err).message);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby="vm-move-title"
      elementToFocus="#vm-move-target"
      data-testid="vm-move-modal"
    >
      <ModalHeader title={`Move ${props.what} to a folder`} labelId="vm-move-title" />
      <ModalBody>
        {error !== null && <Alert variant="danger" isInline title={error} data-testid="vm-move-error" />}
        <Form
          id="vm-move-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormGroup label="Folder" isRequired fieldId="vm-move-target">
            <FormSelect
              id="vm-move-target"
              data-testid="vm-move-target"
              value={target}
              onChange={(_e, v) => setTarget(v)}
              // A select does not submit its form on Enter by itself; here it does, as a text field would.
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void submit();
                }
              }}
            >
              {props.folders.map((f) => (
                <FormSelectOption key={f.id} value={f.id} label={f.path} />
              ))}
              <FormSelectOption value="none" label="No folder" />
            </FormSelect>
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          type="submit"
          form="vm-move-form"
          isLoading={move.isPending}
          isDisabled={move.isPending}
          data-testid="vm-move-save"
        >
          Move
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="vm-move-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
