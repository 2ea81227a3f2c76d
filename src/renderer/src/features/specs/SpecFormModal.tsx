import {
  Alert,
  Button,
  Form,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Title,
} from '@patternfly/react-core';
import { useMemo, useState } from 'react';
import type { AppError } from '../../../../shared/domain/errors';
import { useQhciMutation } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { fieldMessage, toAppError } from '../../components/errors';
import { escapeUnlessListOpen } from '../../components/escape';
import {
  checkDraft,
  draftFromSpec,
  EMPTY_DRAFT,
  formFieldFor,
  type FormErrors,
  type FormMode,
  type SpecDraft,
} from './draft';
import { CloudInitFields } from './fields/CloudInitFields';
import { GeneralFields } from './fields/GeneralFields';
import { GuestFields } from './fields/GuestFields';
import { HostnameField } from './fields/HostnameField';
import { PasswordFields } from './fields/PasswordFields';
import { SshKeysField } from './fields/SshKeysField';

/**
 * Create or edit a customization spec. Fields are checked with the schemas main uses, and their errors
 * shown once Save has been tried; an error main returns for a field is shown on that field.
 */
export function SpecFormModal(props: { mode: FormMode; onClose: () => void }) {
  const { mode, onClose } = props;
  const project = useProjectInput();
  const [draft, setDraft] = useState<SpecDraft>(() =>
    mode.kind === 'edit' ? draftFromSpec(mode.spec) : EMPTY_DRAFT,
  );
  const [attempted, setAttempted] = useState(false);
  const [serverError, setServerError] = useState<AppError | undefined>();
  const create = useQhciMutation('specs.create');
  const update = useQhciMutation('specs.update');
  const busy = create.isPending || update.isPending;

  const serverField = serverError?.field === undefined ? undefined : formFieldFor(serverError.field);
  const check = useMemo(() => checkDraft(draft, mode, project), [draft, mode, project]);
  const errors: FormErrors = useMemo(() => {
    const shown: FormErrors = attempted && !check.ok ? { ...check.errors } : {};
    if (serverField !== undefined && serverError) shown[serverField] ??= fieldMessage(serverError);
    return shown;
  }, [attempted, check, serverError, serverField]);
  // An error main returns for no field, or for one the form does not show, goes above the form.
  const unplacedError = serverError !== undefined && serverField === undefined ? serverError : undefined;

  const change = (patch: Partial<SpecDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setServerError(undefined);
  };

  const save = async () => {
    setAttempted(true);
    setServerError(undefined);
    if (!check.ok) return;
    try {
      if (check.kind === 'create') await create.mutateAsync(check.input);
      else await update.mutateAsync(check.input);
      onClose();
    } catch (err) {
      setServerError(toAppError(err));
    }
  };

  const fieldProps = { draft, errors, mode, update: change };
  const errorCount = Object.keys(errors).length;
  const title = mode.kind === 'create' ? 'New customization spec' : `Edit ${mode.spec.name}`;

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={onClose}
      onEscapePress={escapeUnlessListOpen(onClose)}
      aria-labelledby="spec-form-title"
      elementToFocus="#spec-name"
      data-testid="spec-form"
    >
      <ModalHeader title={title} labelId="spec-form-title" />
      <ModalBody>
        <Form
          id="spec-form-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {unplacedError && (
            <Alert variant="danger" isInline title={unplacedError.message} data-testid="spec-form-error" />
          )}
          {errorCount > 0 && !unplacedError && (
            <Alert
              variant="danger"
              isInline
              isPlain
              title={
                errorCount === 1
                  ? 'Fix the field marked below.'
                  : `Fix the ${errorCount} fields marked below.`
              }
              data-testid="spec-form-invalid"
            />
          )}
          <GeneralFields {...fieldProps} />
          <Title headingLevel="h3" size="md">
            Guest
          </Title>
          <HostnameField {...fieldProps} />
          <GuestFields {...fieldProps} />
          <SshKeysField {...fieldProps} />
          <PasswordFields {...fieldProps} />
          <CloudInitFields {...fieldProps} />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="spec-form-form"
          isLoading={busy}
          isDisabled={busy}
          data-testid="spec-save"
        >
          Save
        </Button>
        <Button variant="link" onClick={onClose} data-testid="spec-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
