import { FormGroup, FormHelperText, HelperText, HelperTextItem, TextInput } from '@patternfly/react-core';
import { useMemo } from 'react';
import { HOSTNAME_PLACEHOLDERS, previewHostnames } from '../../../../../shared/domain/hostname-template';
import { FieldError } from '../../../components/FieldError';
import { validated, type FieldsProps } from './types';

const PREVIEW_VM = 'web';
const PREVIEW_COUNT = 3;
const PLACEHOLDER_HELP = HOSTNAME_PLACEHOLDERS.map((p) => `{{.${p}}}`).join(' ');

/** The hostname template, with the names it gives three VMs created together, rendered live. */
export function HostnameField({ draft, errors, update }: FieldsProps) {
  const preview = useMemo(
    () => previewHostnames(draft.hostnameTemplate.trim(), { vmName: PREVIEW_VM, count: PREVIEW_COUNT }),
    [draft.hostnameTemplate],
  );
  return (
    <FormGroup label="Hostname template" isRequired fieldId="spec-hostname-template">
      <TextInput
        id="spec-hostname-template"
        data-testid="spec-hostname-template"
        value={draft.hostnameTemplate}
        onChange={(_e, hostnameTemplate) => update({ hostnameTemplate })}
        validated={validated(errors.hostnameTemplate ?? preview.error ?? undefined)}
        aria-describedby="spec-hostname-preview"
        autoComplete="off"
        className="qhci-preview-list"
      />
      <FieldError message={errors.hostnameTemplate} testId="spec-hostname-template-error" />
      <FormHelperText>
        <HelperText id="spec-hostname-preview" data-testid="spec-hostname-preview" isLiveRegion>
          {preview.error === null ? (
            <HelperTextItem>
              Three VMs named “{PREVIEW_VM}” get:{' '}
              <span className="qhci-preview-list" data-testid="spec-hostname-preview-names">
                {preview.hostnames.join(', ')}
              </span>
            </HelperTextItem>
          ) : (
            <HelperTextItem variant="warning" data-testid="spec-hostname-preview-error">
              {preview.error}
            </HelperTextItem>
          )}
          <HelperTextItem>Placeholders: {PLACEHOLDER_HELP}</HelperTextItem>
        </HelperText>
      </FormHelperText>
    </FormGroup>
  );
}
