import { FormGroup, FormSelect, FormSelectOption, TextArea, TextInput } from '@patternfly/react-core';
import { FieldError } from '../../../components/FieldError';
import { TimezoneSelect } from './TimezoneSelect';
import { validated, type FieldsProps } from './types';

export function GeneralFields({ draft, errors, update }: FieldsProps) {
  return (
    <>
      <FormGroup label="Name" isRequired fieldId="spec-name">
        <TextInput
          id="spec-name"
          data-testid="spec-name"
          value={draft.name}
          onChange={(_e, name) => update({ name })}
          validated={validated(errors.name)}
          aria-describedby={errors.name ? 'spec-name-error' : undefined}
          isRequired
          autoComplete="off"
        />
        <FieldError message={errors.name} testId="spec-name-error" id="spec-name-error" />
      </FormGroup>
      <FormGroup label="Description" fieldId="spec-description">
        <TextArea
          id="spec-description"
          data-testid="spec-description"
          value={draft.description}
          onChange={(_e, description) => update({ description })}
          validated={validated(errors.description)}
          rows={2}
          resizeOrientation="vertical"
        />
        <FieldError message={errors.description} testId="spec-description-error" />
      </FormGroup>
      <FormGroup label="OS family" isRequired fieldId="spec-os-family">
        <FormSelect
          id="spec-os-family"
          data-testid="spec-os-family"
          value={draft.osFamily}
          onChange={(_e, v) => update({ osFamily: v === 'windows' ? 'windows' : 'linux' })}
          validated={validated(errors.osFamily)}
        >
          <FormSelectOption value="linux" label="Linux" />
          <FormSelectOption value="windows" label="Windows" />
        </FormSelect>
        <FieldError message={errors.osFamily} testId="spec-os-family-error" />
      </FormGroup>
      <FormGroup label="Time zone" isRequired fieldId="spec-timezone">
        <TimezoneSelect
          id="spec-timezone"
          value={draft.timezone}
          onChange={(timezone) => update({ timezone })}
          invalid={errors.timezone !== undefined}
          {...(errors.timezone ? { describedBy: 'spec-timezone-error' } : {})}
        />
        <FieldError message={errors.timezone} testId="spec-timezone-error" id="spec-timezone-error" />
      </FormGroup>
    </>
  );
}
