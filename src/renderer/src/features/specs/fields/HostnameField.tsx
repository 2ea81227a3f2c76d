import { FormGroup, FormHelperText, HelperText, HelperTextItem, TextInput } from '@patternfly/react-core';
import { useMemo } from 'react';
import { HOSTNAME_PLACEHOLDERS, previewHostnames } from '../../../../../shared/domain/hostname-template';
import { FieldError } from '../../../components/FieldError';
import { validated, type FieldsProps } from './types';

const PREVIEW_VM = 'web';
const PREVIEW_COUNT = 3;
const PLACEHOLDER_HELP = HOSTNAME_PLACEHOLDERS.map((p) => `{{.${p}}}`).join(' ');

/**
 * The hostname template, with the names it gives VMs created together, rendered live: three VMs named
 * "web", or the VMs `preview` describes.
 */
export function HostnameField({
  draft,
  errors,
  update,
  idPrefix = 'spec',
  preview: vms,
}: FieldsProps & { preview?: { vmName: string; count: number } }) {
  const vmName = vms?.vmName ?? PREVIEW_VM;
  const count = vms?.count ?? PREVIEW_COUNT;
  const preview = useMemo(
    () => previewHostnames(draft.hostnameTemplate.trim(), { vmName, count }),
    [draft.hostnameTemplate, vmName, count],
  );
  const id = `${idPrefix}-hostname-template`;
  const names =
    vms === undefined
      ? `Three VMs named “${PREVIEW_VM}” get:`
      : count === 1
        ? `A VM named “${vmName}” gets:`
        : `${count} VMs named “${vmName}” get:`;
  return (
    <FormGroup label="Hostname template" isRequired fieldId={id}>
      <TextInput
        id={id}
        data-testid={id}
        value={draft.hostnameTemplate}
        onChange={(_e, hostnameTemplate) => update({ hostnameTemplate })}
        validated={validated(errors.hostnameTemplate ?? preview.error ?? undefined)}
        aria-describedby={`${idPrefix}-hostname-preview`}
        autoComplete="off"
        className="qhci-preview-list"
      />
      <FieldError message={errors.hostnameTemplate} testId={`${id}-error`} />
      <FormHelperText>
        <HelperText
          id={`${idPrefix}-hostname-preview`}
          data-testid={`${idPrefix}-hostname-preview`}
          isLiveRegion
        >
          {preview.error === null ? (
            <HelperTextItem>
              {names}{' '}
              <span className="qhci-preview-list" data-testid={`${idPrefix}-hostname-preview-names`}>
                {preview.hostnames.join(', ')}
              </span>
            </HelperTextItem>
          ) : (
            <HelperTextItem variant="warning" data-testid={`${idPrefix}-hostname-preview-error`}>
              {preview.error}
            </HelperTextItem>
          )}
          <HelperTextItem>Placeholders: {PLACEHOLDER_HELP}</HelperTextItem>
        </HelperText>
      </FormHelperText>
    </FormGroup>
  );
}
