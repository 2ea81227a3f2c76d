/** Small form pieces shared by the Settings sections. */
import { FormGroup, TextInput } from '@patternfly/react-core';
import { FieldError } from '../../components/FieldError';
import type { DraftErrors } from './draft';

export const validated = (message: string | undefined) => (message === undefined ? 'default' : 'error');

/** A labelled text input with its error line; test ids `settings-${id}` and `settings-${id}-error`. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  errors: DraftErrors;
  /** The error's key in the map (default: the id). */
  errorKey?: string;
  onChange: (value: string) => void;
  placeholder?: string;
  helper?: string;
  unit?: string;
}) {
  const message = props.errors[props.errorKey ?? props.id];
  return (
    <FormGroup label={props.label} fieldId={`settings-${props.id}`}>
      <div className="qhci-settings-unit">
        <TextInput
          id={`settings-${props.id}`}
          value={props.value}
          onChange={(_e, v) => props.onChange(v)}
          validated={validated(message)}
          {...(props.placeholder === undefined ? {} : { placeholder: props.placeholder })}
          data-testid={`settings-${props.id}`}
        />
        {props.unit !== undefined && <span className="qhci-subtle">{props.unit}</span>}
      </div>
      {props.helper !== undefined && message === undefined && (
        <div className="qhci-subtle qhci-settings-helper">{props.helper}</div>
      )}
      <FieldError message={message} testId={`settings-${props.id}-error`} />
    </FormGroup>
  );
}
