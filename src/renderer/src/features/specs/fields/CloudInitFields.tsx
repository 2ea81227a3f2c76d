import { FormFieldGroupExpandable, FormFieldGroupHeader, FormGroup, TextArea } from '@patternfly/react-core';
import { FieldError } from '../../../components/FieldError';
import type { SpecDraft } from '../draft';
import { validated, type FieldsProps } from './types';

type DocField = 'userData' | 'metaData' | 'networkConfig';

const DOCS: readonly { field: DocField; label: string; testId: string; placeholder: string }[] = [
  { field: 'userData', label: 'User data', testId: 'spec-user-data', placeholder: '#cloud-config' },
  { field: 'metaData', label: 'Meta data', testId: 'spec-meta-data', placeholder: 'key: value' },
  {
    field: 'networkConfig',
    label: 'Network config',
    testId: 'spec-network-config',
    placeholder: 'version: 2',
  },
];

/** Raw cloud-init documents, folded away unless one is filled in or has an error. */
export function CloudInitFields({ draft, errors, update }: FieldsProps) {
  const open = DOCS.some((d) => draft[d.field] !== '' || errors[d.field] !== undefined);
  return (
    <FormFieldGroupExpandable
      isExpanded={open}
      toggleAriaLabel="Show the cloud-init documents"
      header={
        <FormFieldGroupHeader
          titleText={{ text: 'Cloud-init documents', id: 'spec-cloudinit-title' }}
          titleDescription="Optional user data, meta data and network config, merged into what QHCI generates."
        />
      }
    >
      {DOCS.map((d) => (
        <FormGroup key={d.field} label={d.label} fieldId={d.testId}>
          <TextArea
            id={d.testId}
            data-testid={d.testId}
            value={draft[d.field]}
            onChange={(_e, v) => update({ [d.field]: v } as Partial<SpecDraft>)}
            validated={validated(errors[d.field])}
            rows={4}
            resizeOrientation="vertical"
            className="qhci-mono-textarea"
            placeholder={d.placeholder}
            spellCheck={false}
          />
          <FieldError message={errors[d.field]} testId={`${d.testId}-error`} />
        </FormGroup>
      ))}
    </FormFieldGroupExpandable>
  );
}
