import {
  Alert,
  Button,
  Checkbox,
  ExpandableSection,
  Flex,
  FlexItem,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Radio,
  Stack,
  TextArea,
  TextInput,
} from '@patternfly/react-core';
import PencilAltIcon from '@patternfly/react-icons/dist/esm/icons/pencil-alt-icon';
import { useEffect, useRef, useState } from 'react';
import { FieldError } from '../../../components/FieldError';
import { useWizard } from '../../../stores/wizard';
import { EMPTY_DRAFT, type SpecDraft } from '../../specs/draft';
import { HostnameField } from '../../specs/fields/HostnameField';
import { PasswordFields } from '../../specs/fields/PasswordFields';
import { SshKeysField } from '../../specs/fields/SshKeysField';
import { TimezoneSelect } from '../../specs/fields/TimezoneSelect';
import { SpecFormModal } from '../../specs/SpecFormModal';
import { parseCount, type CustomizationDraft, type StepErrors } from '../draft';
import { validated } from '../fields';
import type { WizardData } from '../useWizardData';
import { applySpec } from './customization';

const OS_LABEL = { linux: 'Linux', windows: 'Windows' } as const;

export function CustomizationStep(props: { errors: StepErrors; data: WizardData }) {
  const { errors, data } = props;
  const d = useWizard((s) => s.draft.customization);
  const secrets = useWizard((s) => s.secrets);
  const bootKind = useWizard((s) => s.draft.boot.kind);
  const basics = useWizard((s) => s.draft.basics);
  const update = useWizard((s) => s.update);
  const setSecrets = useWizard((s) => s.setSecrets);
  const touch = useWizard((s) => s.touch);
  const [editing, setEditing] = useState(false);
  const [docsOpen, setDocsOpen] = useState(d.userData !== '' || d.networkConfig !== '');
  const specs = data.specs.data ?? [];
  const spec = data.facts.spec;

  // After the spec was edited here, its new values replace what the fields showed for it.
  const appliedAt = useRef(spec?.updatedAt);
  const [reapply, setReapply] = useState(false);
  useEffect(() => {
    if (!reapply || spec === undefined || spec.updatedAt === appliedAt.current) return;
    appliedAt.current = spec.updatedAt;
    setReapply(false);
    update('customization', applySpec(useWizard.getState().draft.customization, spec));
  }, [reapply, spec, update]);

  if (bootKind !== 'cloud-image') {
    return (
      <Alert
        variant="info"
        isInline
        title="No customization: cloud-init runs only on a VM booted from a cloud image."
        data-testid="wizard-cloudinit-off"
      >
        Choose a cloud image in Boot media to set a hostname, users, keys and cloud-init documents.
      </Alert>
    );
  }

  // The spec form's fields, reused: they read and write a SpecDraft, mapped onto this step's draft.
  const specLike: SpecDraft = {
    ...EMPTY_DRAFT,
    hostnameTemplate: d.hostnameTemplate,
    timezone: d.timezone,
    sshKeys: d.sshKeys,
    adminPassword: secrets.password,
    adminPasswordConfirm: secrets.passwordConfirm,
  };
  const fromSpecForm = (patch: Partial<SpecDraft>) => {
    const own: Partial<CustomizationDraft> = {};
    if (patch.hostnameTemplate !== undefined) own.hostnameTemplate = patch.hostnameTemplate;
    if (patch.sshKeys !== undefined) own.sshKeys = patch.sshKeys;
    if (Object.keys(own).length > 0)
      update(
        'customization',
        own,
        Object.keys(own).map((k) => `customization.${k}`),
      );
    if (patch.adminPassword !== undefined) {
      setSecrets({ password: patch.adminPassword });
      touch('customization.adminPassword');
    }
    if (patch.adminPasswordConfirm !== undefined) {
      setSecrets({ passwordConfirm: patch.adminPasswordConfirm });
      touch('customization.adminPasswordConfirm');
    }
  };
  const fieldProps = {
    draft: specLike,
    errors,
    mode: { kind: 'create' } as const,
    update: fromSpecForm,
    idPrefix: 'wizard',
  };
  const count = Math.max(1, parseCount(basics.count) ?? 1);

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-customization">
      <FormGroup label="Customization spec" fieldId="wizard-spec">
        <Flex spaceItems={{ default: 'spaceItemsSm' }} flexWrap={{ default: 'nowrap' }}>
          <FlexItem grow={{ default: 'grow' }}>
            <FormSelect
              id="wizard-spec"
              data-testid="wizard-spec"
              value={d.specId ?? ''}
              onChange={(_e, id) => {
                const next = specs.find((s) => s.id === id);
                appliedAt.current = next?.updatedAt;
                update('customization', applySpec(d, next), ['customization.specId']);
              }}
              validated={validated(errors.specId)}
            >
              <FormSelectOption value="" label="None: only the fields below" />
              {specs.map((s) => (
                <FormSelectOption key={s.id} value={s.id} label={`${s.name} (${OS_LABEL[s.osFamily]})`} />
              ))}
            </FormSelect>
          </FlexItem>
          <FlexItem>
            <Button
              variant="secondary"
              icon={<PencilAltIcon />}
              isDisabled={spec === undefined}
              onClick={() => setEditing(true)}
              data-testid="wizard-spec-edit"
            >
              Edit
            </Button>
          </FlexItem>
        </Flex>
        <FieldError message={errors.specId} testId="wizard-spec-error" />
        <FormHelperText>
          <HelperText>
            <HelperTextItem>
              {spec
                ? `The fields below start from ${spec.name}; what you change applies to this VM only.`
                : 'Without a spec, the fields below are all there is.'}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>

      <HostnameField {...fieldProps} preview={{ vmName: basics.name.trim() || 'vm', count }} />
      <FormGroup label="Time zone" isRequired fieldId="wizard-timezone">
        <TimezoneSelect
          id="wizard-timezone"
          testId="wizard-timezone"
          value={d.timezone}
          onChange={(timezone) => update('customization', { timezone }, ['customization.timezone'])}
          invalid={errors.timezone !== undefined}
        />
        <FieldError message={errors.timezone} testId="wizard-timezone-error" />
      </FormGroup>
      <FormGroup label="User" fieldId="wizard-user">
        <TextInput
          id="wizard-user"
          data-testid="wizard-user"
          value={d.user}
          onChange={(_e, user) => update('customization', { user }, ['customization.user'])}
          validated={validated(errors.user)}
          placeholder="The image's default user"
          autoComplete="off"
        />
        <FieldError message={errors.user} testId="wizard-user-error" />
      </FormGroup>
      <SshKeysField {...fieldProps} />
      <PasswordFields {...fieldProps} />
      <Checkbox
        id="wizard-install-agent"
        data-testid="wizard-install-agent"
        label="Install the QEMU guest agent"
        description="Lets QHCI read the guest's addresses and shut it down cleanly."
        isChecked={d.installAgent}
        onChange={(_e, installAgent) =>
          update('customization', { installAgent }, ['customization.installAgent'])
        }
      />
      <ExpandableSection
        toggleText="Raw cloud-init: user-data and network-config"
        isExpanded={docsOpen || errors.userData !== undefined || errors.networkConfig !== undefined}
        onToggle={(_e, v) => setDocsOpen(v)}
        toggleId="wizard-cloudinit-toggle"
        data-testid="wizard-cloudinit"
      >
        <Stack hasGutter>
          <FormGroup role="radiogroup" label="User-data" fieldId="wizard-user-data-mode" isInline>
            <Radio
              id="wizard-user-data-merge"
              data-testid="wizard-user-data-merge"
              name="user-data-mode"
              label="Merge into what QHCI generates"
              isChecked={d.userDataMode === 'merge'}
              onChange={() => update('customization', { userDataMode: 'merge' }, ['customization.userData'])}
            />
            <Radio
              id="wizard-user-data-raw"
              data-testid="wizard-user-data-raw"
              name="user-data-mode"
              label="Use exactly as written"
              isChecked={d.userDataMode === 'raw'}
              onChange={() => update('customization', { userDataMode: 'raw' }, ['customization.userData'])}
            />
          </FormGroup>
          <FormGroup fieldId="wizard-user-data">
            <TextArea
              id="wizard-user-data"
              data-testid="wizard-user-data"
              aria-label="User-data"
              value={d.userData}
              onChange={(_e, userData) => update('customization', { userData }, ['customization.userData'])}
              validated={validated(errors.userData)}
              rows={6}
              resizeOrientation="vertical"
              className="qhci-mono-textarea"
              placeholder="#cloud-config"
              spellCheck={false}
            />
            <FieldError message={errors.userData} testId="wizard-user-data-error" />
          </FormGroup>
          <FormGroup label="Network-config" fieldId="wizard-network-config">
            <TextArea
              id="wizard-network-config"
              data-testid="wizard-network-config"
              value={d.networkConfig}
              onChange={(_e, networkConfig) =>
                update('customization', { networkConfig }, ['customization.networkConfig'])
              }
              validated={validated(errors.networkConfig)}
              rows={4}
              resizeOrientation="vertical"
              className="qhci-mono-textarea"
              placeholder="version: 2"
              spellCheck={false}
            />
            <FieldError message={errors.networkConfig} testId="wizard-network-config-error" />
          </FormGroup>
        </Stack>
      </ExpandableSection>
      {editing && spec && (
        <SpecFormModal
          mode={{ kind: 'edit', spec }}
          onClose={() => {
            setEditing(false);
            setReapply(true);
          }}
        />
      )}
    </Form>
  );
}
