import {
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
import { DisplayName, fieldErrors } from '../../../../shared/domain/names';
import type { CustomizationSpec } from '../../../../shared/domain/spec';
import { useQhciMutation } from '../../api/hooks';
import { FieldError } from '../../components/FieldError';
import { fieldMessage, toAppError } from '../../components/errors';

/** "Save as…": a copy of a spec (password included) under a new name. */
export function SpecDuplicateModal(props: { spec: CustomizationSpec; onClose: () => void }) {
  const { spec, onClose } = props;
  const [name, setName] = useState(`${spec.name} (copy)`);
  const [error, setError] = useState<string | undefined>();
  const duplicate = useQhciMutation('specs.duplicate');

  const save = async () => {
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) {
      setError(fieldErrors(parsed.error.issues)['_']);
      return;
    }
    try {
      await duplicate.mutateAsync({ id: spec.id, name: parsed.data });
      onClose();
    } catch (err) {
      const e = toAppError(err);
      setError(e.field === 'name' ? fieldMessage(e) : e.message);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={onClose}
      aria-labelledby="spec-duplicate-title"
      elementToFocus="#spec-duplicate-name"
      data-testid="spec-duplicate-modal"
    >
      <ModalHeader
        title={`Save ${spec.name} as…`}
        labelId="spec-duplicate-title"
        description="The copy has the same settings, password included."
      />
      <ModalBody>
        <Form
          id="spec-duplicate-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <FormGroup label="New name" isRequired fieldId="spec-duplicate-name">
            <TextInput
              id="spec-duplicate-name"
              data-testid="spec-duplicate-name"
              value={name}
              onChange={(_e, v) => {
                setName(v);
                setError(undefined);
              }}
              validated={error ? 'error' : 'default'}
              isRequired
              autoComplete="off"
            />
            <FieldError message={error} testId="spec-duplicate-error" />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="spec-duplicate-form"
          isLoading={duplicate.isPending}
          isDisabled={duplicate.isPending}
          data-testid="spec-duplicate-save"
        >
          Save copy
        </Button>
        <Button variant="link" onClick={onClose} data-testid="spec-duplicate-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
