import {
  Checkbox,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core';
import { FieldError } from '../../../components/FieldError';
import { validated, type FieldsProps } from './types';

/**
 * Administrator password and its confirmation. The password is never shown back: when editing, blank keeps
 * the current one, and "Remove the password" clears it.
 */
export function PasswordFields({ draft, errors, mode, update, idPrefix = 'spec' }: FieldsProps) {
  const editing = mode.kind === 'edit';
  const isSet = editing && mode.spec.adminPasswordSet;
  const disabled = editing && draft.removePassword;
  return (
    <>
      <FormGroup label="Administrator password" fieldId={`${idPrefix}-password`}>
        <TextInput
          id={`${idPrefix}-password`}
          data-testid={`${idPrefix}-password`}
          type="password"
          value={draft.adminPassword}
          onChange={(_e, adminPassword) => update({ adminPassword })}
          validated={validated(errors.adminPassword)}
          isDisabled={disabled}
          autoComplete="new-password"
          aria-describedby={`${idPrefix}-password-help`}
        />
        <FieldError message={errors.adminPassword} testId={`${idPrefix}-password-error`} />
        <FormHelperText>
          <HelperText id={`${idPrefix}-password-help`}>
            <HelperTextItem data-testid={`${idPrefix}-password-status`}>
              {!editing
                ? 'Optional. At least 8 characters; only a hash is stored.'
                : isSet
                  ? 'A password is set. Leave blank to keep it.'
                  : 'No password is set. Leave blank to keep it that way.'}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <FormGroup label="Confirm password" fieldId={`${idPrefix}-password-confirm`}>
        <TextInput
          id={`${idPrefix}-password-confirm`}
          data-testid={`${idPrefix}-password-confirm`}
          type="password"
          value={draft.adminPasswordConfirm}
          onChange={(_e, adminPasswordConfirm) => update({ adminPasswordConfirm })}
          validated={validated(errors.adminPasswordConfirm)}
          isDisabled={disabled}
          autoComplete="new-password"
        />
        <FieldError message={errors.adminPasswordConfirm} testId={`${idPrefix}-password-confirm-error`} />
      </FormGroup>
      {isSet && (
        <Checkbox
          id="spec-password-remove"
          data-testid="spec-password-remove"
          label="Remove the password"
          isChecked={draft.removePassword}
          onChange={(_e, removePassword) => update({ removePassword })}
        />
      )}
    </>
  );
}
