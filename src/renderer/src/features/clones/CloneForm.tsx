import {
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  NumberInput,
  Radio,
  TextArea,
  TextInput,
} from '@patternfly/react-core';
import { MAX_CLONE_COUNT } from '../../../../shared/domain/clone';
import type { VmSummary } from '../../../../shared/domain/vm';
import { FieldError } from '../../components/FieldError';
import type { CloneDraft, CloneField, NamePreview as Preview } from './draft';
import { NamePreview } from './NamePreview';

const validated = (e: string | undefined) => (e === undefined ? 'default' : 'error');

/** Mode, name (or name template) with its preview, count and description. */
export function CloneFields(props: {
  source: VmSummary;
  draft: CloneDraft;
  errors: Partial<Record<CloneField, string>>;
  preview: Preview;
  onChange: (patch: Partial<CloneDraft>) => void;
}) {
  const { source, draft, errors, onChange } = props;
  const count = Number.isNaN(draft.count) ? '' : draft.count;
  return (
    <>
      <FormGroup role="radiogroup" label="Kind of clone" fieldId="clone-mode" isStack>
        <Radio
          id="clone-mode-linked"
          name="clone-mode"
          label="Linked clone"
          description={
            source.template
              ? 'Each clone’s disks are qcow2 overlays on the template’s: made in seconds, the template must stay.'
              : 'Only from a template: convert the VM to a template first.'
          }
          isChecked={draft.mode === 'linked'}
          isDisabled={!source.template}
          onChange={() => onChange({ mode: 'linked' })}
          data-testid="clone-mode-linked"
        />
        <Radio
          id="clone-mode-full"
          name="clone-mode"
          label="Full clone"
          description="Every disk of its own is copied: the clone depends on nothing."
          isChecked={draft.mode === 'full'}
          onChange={() => onChange({ mode: 'full' })}
          data-testid="clone-mode-full"
        />
        <FieldError message={errors.mode} testId="clone-mode-error" />
      </FormGroup>
      <FormGroup label="Name" isRequired fieldId="clone-name">
        <TextInput
          id="clone-name"
          value={draft.name}
          onChange={(_e, v) => onChange({ name: v })}
          validated={validated(errors.name)}
          data-testid="clone-name"
        />
        {errors.name === undefined && (
          <FormHelperText>
            <HelperText>
              <HelperTextItem>
                A name, or a template: <code>{'{{.VMName}}'}</code> is {source.name},{' '}
                <code>{'{{.Index}}'}</code> counts from 1.
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
        <FieldError message={errors.name} testId="clone-name-error" />
        <NamePreview preview={props.preview} />
      </FormGroup>
      <FormGroup label="Number of clones" fieldId="clone-count">
        <NumberInput
          id="clone-count"
          inputName="clone-count"
          inputAriaLabel="Number of clones"
          minusBtnAriaLabel="One clone fewer"
          plusBtnAriaLabel="One clone more"
          value={count}
          min={1}
          max={MAX_CLONE_COUNT}
          onMinus={() => onChange({ count: Math.max(1, (draft.count || 1) - 1) })}
          onPlus={() => onChange({ count: Math.min(MAX_CLONE_COUNT, (draft.count || 0) + 1) })}
          onChange={(e) => {
            const v = (e.target as HTMLInputElement).value;
            onChange({ count: v.trim() === '' ? Number.NaN : Number(v) });
          }}
          validated={validated(errors.count)}
          inputProps={{ 'data-testid': 'clone-count' } as object}
        />
        <FieldError message={errors.count} testId="clone-count-error" />
      </FormGroup>
      <FormGroup label="Description" fieldId="clone-description">
        <TextArea
          id="clone-description"
          value={draft.description}
          onChange={(_e, v) => onChange({ description: v })}
          validated={validated(errors.description)}
          resizeOrientation="vertical"
          rows={2}
          data-testid="clone-description"
        />
        <FieldError message={errors.description} testId="clone-description-error" />
      </FormGroup>
    </>
  );
}
