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
import type { AppError } from '../../../../shared/domain/errors';
import type { FolderNode } from '../../../../shared/domain/folder';
import { FieldError } from '../../components/FieldError';
import { fieldMessage, toAppError } from '../../components/errors';
import { moveTargets } from './tree';

/** Moves a folder under another one, chosen among every folder path except itself and its subfolders. */
export function FolderMoveModal(props: {
  root: FolderNode;
  folder: FolderNode;
  onSubmit: (parentId: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const targets = moveTargets(props.root, props.folder);
  const [target, setTarget] = useState(targets[0]?.id ?? '');
  const [targetError, setTargetError] = useState<string | undefined>();
  const [formError, setFormError] = useState<AppError | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setFormError(undefined);
    if (target === '') {
      setTargetError('Choose the folder to move it into');
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(target);
      props.onClose();
    } catch (err) {
      const e = toAppError(err);
      if (e.field === 'parentId' || e.field === 'name') setTargetError(fieldMessage(e));
      else setFormError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby="folder-move-title"
      elementToFocus="#folder-move-target"
      data-testid="folder-move-modal"
    >
      <ModalHeader title={`Move ${props.folder.path}`} labelId="folder-move-title" />
      <ModalBody>
        {formError && (
          <Alert variant="danger" isInline title={formError.message} data-testid="folder-form-error" />
        )}
        <Form
          id="folder-move-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormGroup label="Move into" isRequired fieldId="folder-move-target">
            <FormSelect
              id="folder-move-target"
              data-testid="folder-move-target"
              value={target}
              onChange={(_e, v) => {
                setTarget(v);
                setTargetError(undefined);
              }}
              validated={targetError ? 'error' : 'default'}
              isDisabled={targets.length === 0}
            >
              {targets.length === 0 && <FormSelectOption value="" label="No other folder to move it into" />}
              {targets.map((t) => (
                <FormSelectOption key={t.id} value={t.id} label={t.path} />
              ))}
            </FormSelect>
            <FieldError message={targetError} testId="folder-move-error" />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="folder-move-form"
          isLoading={busy}
          isDisabled={busy || targets.length === 0}
          data-testid="folder-move-save"
        >
          Move
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="folder-move-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
