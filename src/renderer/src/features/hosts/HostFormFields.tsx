import {
  Checkbox,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { FilePurpose } from '../../../../shared/domain/files';
import { FieldError } from '../../components/FieldError';
import { FileChooser } from '../../components/FileChooser';
import type { AuthMethod, FormErrors, FormMode, HostDraft, HostField } from './draft';
import { SecretStorageNote } from './SecretStorageNote';

export interface HostFieldsProps {
  readonly draft: HostDraft;
  readonly errors: FormErrors;
  readonly mode: FormMode;
  readonly update: (patch: Partial<HostDraft>) => void;
}

const validated = (error: string | undefined) => (error === undefined ? 'default' : 'error');

/** A workstation file chosen in main's dialog: the draft keeps its token and its name. */
function Chooser(
  props: HostFieldsProps & {
    field: 'keyFile' | 'agentSocket';
    nameField: 'keyFileName' | 'agentSocketName';
    purpose: FilePurpose;
    slug: string;
    label: string;
    required?: boolean;
    help: string;
  },
) {
  const { draft, errors, update, field, nameField, slug } = props;
  const [pickError, setPickError] = useState<string | undefined>();
  const id = `host-${slug}`;
  const error = errors[field] ?? pickError;
  const value = draft[field] ? { token: draft[field], name: draft[nameField], sizeBytes: null } : null;
  return (
    <FormGroup label={props.label} isRequired={props.required ?? false} fieldId={id}>
      <FileChooser
        id={id}
        testId={id}
        purpose={props.purpose}
        value={value}
        onChange={(f) => {
          setPickError(undefined);
          update({ [field]: f?.token ?? '', [nameField]: f?.name ?? '' });
        }}
        onError={setPickError}
        placeholder="No file chosen"
        validated={validated(error)}
      />
      <FieldError message={error} testId={`${id}-error`} id={`${id}-error`} />
      {error === undefined && (
        <FormHelperText>
          <HelperText id={`${id}-help`}>
            <HelperTextItem data-testid={`${id}-help`}>{props.help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  );
}

/** A labelled text field with its inline error; ids and test ids are `host-<slug>`. */
type TextField = { [K in HostField]: HostDraft[K] extends string ? K : never }[HostField];

function Text(
  props: HostFieldsProps & {
    field: TextField;
    slug: string;
    label: string;
    required?: boolean;
    type?: 'text' | 'password' | 'number';
    placeholder?: string;
    help?: string;
    autoComplete?: string;
  },
) {
  const { draft, errors, update, field, slug } = props;
  const id = `host-${slug}`;
  const error = errors[field];
  const describedBy = [error ? `${id}-error` : '', props.help ? `${id}-help` : ''].filter(Boolean).join(' ');
  return (
    <FormGroup label={props.label} isRequired={props.required ?? false} fieldId={id}>
      <TextInput
        id={id}
        data-testid={id}
        type={props.type ?? 'text'}
        value={draft[field]}
        onChange={(_e, value) => update({ [field]: value })}
        validated={validated(error)}
        isRequired={props.required ?? false}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        {...(props.placeholder ? { placeholder: props.placeholder } : {})}
        {...(describedBy ? { 'aria-describedby': describedBy } : {})}
      />
      <FieldError message={error} testId={`${id}-error`} id={`${id}-error`} />
      {props.help && error === undefined && (
        <FormHelperText>
          <HelperText id={`${id}-help`}>
            <HelperTextItem data-testid={`${id}-help`}>{props.help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  );
}

const AUTH_LABEL: Record<AuthMethod, string> = {
  key: 'Private key file',
  agent: 'ssh-agent',
  password: 'Password',
};

export function HostFormFields(props: HostFieldsProps) {
  const { draft, errors, mode, update } = props;
  const editing = mode.kind === 'edit';
  // Secrets and key paths are not shown back: on edit they are needed only to change the connection.
  const keepHint = editing ? 'Needed only to change the connection settings.' : undefined;
  return (
    <>
      <Text {...props} field="name" slug="name" label="Name" required placeholder="kvm-01" />
      <FormGroup label="Connection" isRequired fieldId="host-kind">
        <FormSelect
          id="host-kind"
          data-testid="host-kind"
          value={draft.kind}
          onChange={(_e, v) => update({ kind: v === 'libvirt' ? 'libvirt' : 'ssh' })}
          validated={validated(errors.kind)}
          isDisabled={editing}
          aria-describedby="host-kind-help"
        >
          <FormSelectOption value="ssh" label="SSH (virsh on the host)" />
          <FormSelectOption value="libvirt" label="libvirt URI (from this workstation)" />
        </FormSelect>
        <FieldError message={errors.kind} testId="host-kind-error" />
        <FormHelperText>
          <HelperText id="host-kind-help">
            <HelperTextItem>
              {editing
                ? 'The kind of a host cannot change; remove it and add it again as the other kind.'
                : draft.kind === 'ssh'
                  ? 'QHCI connects over SSH and runs virsh on the host.'
                  : 'QHCI connects with libvirt from this workstation, e.g. qemu:///system or qemu+ssh://user@host/system.'}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>

      {draft.kind === 'libvirt' && (
        <Text {...props} field="uri" slug="uri" label="libvirt URI" required placeholder="qemu:///system" />
      )}

      {draft.kind === 'ssh' && (
        <>
          <Grid hasGutter>
            <GridItem span={9}>
              <Text
                {...props}
                field="address"
                slug="address"
                label="Address"
                required
                placeholder="kvm-01.example.com or 192.0.2.10"
              />
            </GridItem>
            <GridItem span={3}>
              <Text {...props} field="port" slug="port" label="Port" required />
            </GridItem>
          </Grid>
          <Text {...props} field="user" slug="user" label="User" required autoComplete="username" />
          <FormGroup label="Authentication" isRequired fieldId="host-auth-method">
            <FormSelect
              id="host-auth-method"
              data-testid="host-auth-method"
              value={draft.authMethod}
              onChange={(_e, v) => update({ authMethod: v === 'agent' || v === 'password' ? v : 'key' })}
              validated={validated(errors.authMethod)}
            >
              {(['key', 'agent', 'password'] as const).map((m) => (
                <FormSelectOption key={m} value={m} label={AUTH_LABEL[m]} />
              ))}
            </FormSelect>
            <FieldError message={errors.authMethod} testId="host-auth-method-error" />
          </FormGroup>
          {draft.authMethod === 'key' && (
            <>
              <Chooser
                {...props}
                field="keyFile"
                nameField="keyFileName"
                purpose="ssh-key"
                slug="key-file"
                label="Private key file"
                required={!editing}
                help={keepHint ?? 'The private key on this workstation, chosen in the file dialog.'}
              />
              <Text
                {...props}
                field="passphrase"
                slug="passphrase"
                label="Key passphrase"
                type="password"
                autoComplete="new-password"
                help={editing ? 'Enter it again when changing the connection.' : 'Only if the key has one.'}
              />
              <SecretStorageNote />
            </>
          )}
          {draft.authMethod === 'agent' && (
            <Chooser
              {...props}
              field="agentSocket"
              nameField="agentSocketName"
              purpose="agent-socket"
              slug="agent-socket"
              label="Agent socket"
              help="Leave it unchosen to use SSH_AUTH_SOCK."
            />
          )}
          {draft.authMethod === 'password' && (
            <>
              <Text
                {...props}
                field="password"
                slug="password"
                label="Password"
                type="password"
                required={!editing}
                autoComplete="new-password"
                help={keepHint ?? 'Kept in the secret store of this workstation.'}
              />
              <SecretStorageNote />
            </>
          )}
          <Text
            {...props}
            field="remoteUri"
            slug="remote-uri"
            label="libvirt URI on the host"
            required
            help="The URI virsh uses on the host; qemu:///system for the system hypervisor."
          />
          <FormGroup fieldId="host-allow-sha1">
            <Checkbox
              id="host-allow-sha1"
              data-testid="host-allow-sha1"
              label="Allow SHA-1 algorithms for this host"
              description="Only for a host older than OpenSSH 7.2 that offers nothing better (ssh-rsa signatures, hmac-sha1). Every other host is refused them."
              isChecked={props.draft.allowSha1}
              onChange={(_e, v) => props.update({ allowSha1: v })}
            />
          </FormGroup>
        </>
      )}
    </>
  );
}
