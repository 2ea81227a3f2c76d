import {
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  NumberInput,
  TextArea,
  TextInput,
} from '@patternfly/react-core';
import { MAX_CREATE_COUNT } from '../../../../../shared/domain/provision';
import { useQhciQuery } from '../../../api/hooks';
import { FieldError } from '../../../components/FieldError';
import { useUi } from '../../../stores/ui';
import { useWizard } from '../../../stores/wizard';
import { parseCount, type StepErrors } from '../draft';
import { validated } from '../fields';
import { FolderSelect } from '../FolderSelect';

export function BasicsStep(props: { errors: StepErrors; project: { projectId?: string } }) {
  const { errors, project } = props;
  const d = useWizard((s) => s.draft.basics);
  const update = useWizard((s) => s.update);
  const uiProject = useUi((s) => s.projectId);
  const projects = useQhciQuery('projects.list', {});
  const set = (patch: Partial<typeof d>, field: string) => update('basics', patch, [`basics.${field}`]);
  const count = parseCount(d.count);
  const projectValue = d.projectId ?? uiProject ?? projects.data?.[0]?.id ?? '';

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-basics">
      <FormGroup label="Name" isRequired fieldId="wizard-name">
        <TextInput
          id="wizard-name"
          data-testid="wizard-name"
          value={d.name}
          onChange={(_e, name) => set({ name }, 'name')}
          validated={validated(errors.name)}
          isRequired
          autoComplete="off"
          aria-describedby="wizard-name-help"
        />
        <FieldError message={errors.name} testId="wizard-name-error" />
        <FormHelperText>
          <HelperText id="wizard-name-help">
            <HelperTextItem>
              The libvirt domain name: letters, digits, “.”, “_” and “-”, starting with a letter or digit.
              {count !== null &&
                count > 1 &&
                ` ${count} VMs are named ${d.name.trim() || 'name'}-1 to -${count}.`}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <FormGroup label="Description" fieldId="wizard-description">
        <TextArea
          id="wizard-description"
          data-testid="wizard-description"
          value={d.description}
          onChange={(_e, description) => set({ description }, 'description')}
          validated={validated(errors.description)}
          rows={2}
          resizeOrientation="vertical"
        />
        <FieldError message={errors.description} testId="wizard-description-error" />
      </FormGroup>
      <FormGroup label="Project" fieldId="wizard-project">
        <FormSelect
          id="wizard-project"
          data-testid="wizard-project"
          value={projectValue}
          onChange={(_e, projectId) => update('basics', { projectId, folderId: null }, ['basics.projectId'])}
          isDisabled={!projects.data || projects.data.length < 2}
        >
          {(projects.data ?? []).map((p) => (
            <FormSelectOption key={p.id} value={p.id} label={p.name} />
          ))}
        </FormSelect>
      </FormGroup>
      <FormGroup label="Folder" fieldId="wizard-folder">
        <FolderSelect
          project={project}
          value={d.folderId}
          onChange={(folderId) => set({ folderId }, 'folderId')}
          error={errors.folderId}
        />
        <FieldError message={errors.folderId} testId="wizard-folder-error" />
      </FormGroup>
      <FormGroup label="Number of VMs" fieldId="wizard-count">
        <NumberInput
          id="wizard-count"
          inputName="count"
          inputAriaLabel="Number of VMs"
          minusBtnAriaLabel="One VM fewer"
          plusBtnAriaLabel="One VM more"
          value={count ?? ''}
          min={1}
          max={MAX_CREATE_COUNT}
          onMinus={() => set({ count: String(Math.max(1, (count ?? 1) - 1)) }, 'count')}
          onPlus={() => set({ count: String(Math.min(MAX_CREATE_COUNT, (count ?? 0) + 1)) }, 'count')}
          onChange={(e) => set({ count: (e.target as HTMLInputElement).value }, 'count')}
          validated={validated(errors.count)}
          inputProps={{ 'data-testid': 'wizard-count' } as object}
        />
        <FieldError message={errors.count} testId="wizard-count-error" />
      </FormGroup>
    </Form>
  );
}
