import { ExpandableSection, FormGroup, Stack, TextArea } from '@patternfly/react-core';
import { useState } from 'react';
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

/** Raw cloud-init documents: folded away unless one is filled in, and always open while one has an error. */
export function CloudInitFields({ draft, errors, update }: FieldsProps) {
  const [open, setOpen] = useState(() => DOCS.some((d) => draft[d.field] !== ''));
  const hasError = DOCS.some((d) => errors[d.field] !== undefined);
  return (
    <ExpandableSection
      toggleText="Cloud-init documents (user data, meta data, network config)"
      isExpanded={open || hasError}
      onToggle={(_e, expanded) => setOpen(expanded)}
      toggleId="spec-cloudinit-toggle"
      contentId="spec-cloudinit-content"
      data-testid="spec-cloudinit"
    >
      <Stack hasGutter>
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
      </Stack>
    </ExpandableSection>
  );
}
