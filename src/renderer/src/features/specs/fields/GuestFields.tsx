import { Checkbox, FormGroup, TextArea } from '@patternfly/react-core';
import { FieldError } from '../../../components/FieldError';
import { validated, type FieldsProps } from './types';

/** Agent and labels. */
export function GuestFields({ draft, errors, update }: FieldsProps) {
  return (
    <>
      <FormGroup fieldId="spec-install-agent" role="group">
        <Checkbox
          id="spec-install-agent"
          data-testid="spec-install-agent"
          label="Install the QEMU guest agent"
          description="Lets QHCI read the guest's addresses and shut it down cleanly."
          isChecked={draft.installAgent}
          onChange={(_e, installAgent) => update({ installAgent })}
        />
      </FormGroup>
      <FormGroup label="Labels" fieldId="spec-labels">
        <TextArea
          id="spec-labels"
          data-testid="spec-labels"
          value={draft.labels}
          onChange={(_e, labels) => update({ labels })}
          validated={validated(errors.labels)}
          rows={2}
          resizeOrientation="vertical"
          className="qhci-mono-textarea"
          placeholder="env=production"
          spellCheck={false}
        />
        <FieldError message={errors.labels} testId="spec-labels-error" />
      </FormGroup>
    </>
  );
}
