import {
  Alert,
  Button,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';
import { FolderName, fieldErrors } from '../../../../shared/domain/names';
import type { AppError } from '../../../../shared/domain/errors';
import { FieldError } from '../../components/FieldError';
import { fieldMessage, toAppError } from '../../components/errors';

/**
 * Asks for a folder name (New folder and Rename). The name is checked with the same schema main uses;
 * an error main returns for the name (a duplicate, say) is shown under the field, any other above the form.
 */
export function FolderNameModal(props: {
  title: string;
  description: string;
  initialName: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.initialName);
  const [nameError, setNameError] = useState<string | undefined>();
  const [formError, setFormError] = useState<AppError | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setFormError(undefined);
    const parsed = FolderName.safeParse(name);
    if (!parsed.success) {
      setNameError(fieldErrors(parsed.error.issues)['_']);
      return;
    }
    setNameError(undefined);
    setBusy(true);
    try {
      await props.onSubmit(parsed.data);
      props.onClose();
    } catch (err) {
      const e = toAppError(err);
      if (e.field === 'name') setNameError(fieldMessage(e));
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
      aria-labelledby="folder-name-title"
      aria-describedby="folder-name-description"
      elementToFocus="#folder-name-input"
      data-testid="folder-name-modal"
    >
      <ModalHeader
        title={props.title}
        labelId="folder-name-title"
        description={props.description}
        descriptorId="folder-name-description"
      />
      <ModalBody>
        {formError && (
          <Alert variant="danger" isInline title={formError.message} data-testid="folder-form-error" />
        )}
        <Form
          id="folder-name-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormGroup label="Name" isRequired fieldId="folder-name-input">
            <TextInput
              id="folder-name-input"
              data-testid="folder-name-input"
              value={name}
              onChange={(_e, v) => setName(v)}
              validated={nameError ? 'error' : 'default'}
              aria-describedby={nameError ? 'folder-name-error' : undefined}
              isRequired
              autoComplete="off"
            />
            <FieldError message={nameError} testId="folder-name-error" id="folder-name-error" />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="folder-name-form"
          isLoading={busy}
          isDisabled={busy}
          data-testid="folder-save"
        >
          {props.submitLabel}
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="folder-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
