import {
  Checkbox,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextArea,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';
import { SnapshotDescription, SnapshotName } from '../../../../shared/domain/snapshot';
import type { VmState } from '../../../../shared/domain/vm';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { FieldError } from '../../components/FieldError';
import { PlanPanel } from './PlanPanel';
import { defaultSnapshotName } from './tree';
import { TaskModal } from './TaskModal';

const firstIssue = (r: { success: boolean; error?: { issues: readonly { message: string }[] } }) =>
  r.success ? undefined : r.error?.issues[0]?.message;

/**
 * Taking a snapshot: a name (checked with the shared schema as it is typed), a description and, for a
 * running VM, whether to include its memory. The host's plan for that choice is shown before Create, which
 * stays disabled while the plan refuses; then the task's progress and outcome.
 */
export function TakeSnapshotModal(props: {
  vmId: string;
  vmName: string;
  vmState: VmState;
  taken: ReadonlySet<string>;
  onClose: () => void;
}) {
  const live = props.vmState === 'running' || props.vmState === 'paused';
  const [name, setName] = useState(() => defaultSnapshotName(new Date(), props.taken));
  const [description, setDescription] = useState('');
  // libvirt takes internal snapshots of a running VM only with its memory: on by default when it runs.
  const [memory, setMemory] = useState(live);
  const create = useQhciMutation('snapshots.create');
  const plan = useQhciQuery('snapshots.plan', { vmId: props.vmId, memory: live && memory });

  const nameError =
    firstIssue(SnapshotName.safeParse(name)) ??
    (props.taken.has(name) ? `${props.vmName} already has a snapshot named ${name}` : undefined);
  const descriptionError = firstIssue(SnapshotDescription.safeParse(description));
  const planOk = plan.data !== undefined && plan.data.refusal === null;

  return (
    <TaskModal
      id="snapshot-take"
      title={`Take a snapshot of ${props.vmName}`}
      description="A snapshot records the VM as it is now, to revert to later."
      variant="medium"
      form
      confirmLabel="Create"
      canConfirm={nameError === undefined && descriptionError === undefined && planOk}
      onConfirm={() =>
        create.mutateAsync({
          vmId: props.vmId,
          name,
          memory: live && memory,
          ...(description !== '' ? { description } : {}),
        })
      }
      onClose={props.onClose}
      success={() => `Snapshot ${name} of ${props.vmName} was taken.`}
    >
      <FormGroup label="Name" isRequired fieldId="snapshot-take-name">
        <TextInput
          id="snapshot-take-name"
          value={name}
          onChange={(_e, v) => setName(v)}
          validated={nameError ? 'error' : 'default'}
          data-testid="snapshot-take-name"
        />
        <FieldError message={nameError} testId="snapshot-take-name-error" />
      </FormGroup>
      <FormGroup label="Description" fieldId="snapshot-take-description">
        <TextArea
          id="snapshot-take-description"
          value={description}
          onChange={(_e, v) => setDescription(v)}
          validated={descriptionError ? 'error' : 'default'}
          resizeOrientation="vertical"
          rows={2}
          data-testid="snapshot-take-description"
        />
        <FieldError message={descriptionError} testId="snapshot-take-description-error" />
      </FormGroup>
      <MemoryField vmName={props.vmName} live={live} checked={live && memory} onChange={setMemory} />
      <FormGroup label="What will happen" fieldId="snapshot-take-plan">
        <PlanPanel
          plan={plan.data}
          error={plan.isError ? plan.error.message : null}
          loading={plan.isPending}
        />
        {plan.data !== undefined && plan.data.refusal !== null && (
          <FormHelperText>
            <HelperText>
              <HelperTextItem>Create stays disabled while the host refuses this snapshot.</HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
    </TaskModal>
  );
}

/** "Include the memory": only for a running (or paused) VM; otherwise off and saying why. */
function MemoryField(props: {
  vmName: string;
  live: boolean;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <FormGroup fieldId="snapshot-take-memory">
      <Checkbox
        id="snapshot-take-memory"
        label="Include the memory"
        description={
          props.live
            ? 'The running VM is saved whole: reverting to it ends with the VM running.'
            : `${props.vmName} is not running: the snapshot holds its disks only.`
        }
        isChecked={props.checked}
        isDisabled={!props.live}
        onChange={(_e, v) => props.onChange(v)}
        data-testid="snapshot-take-memory"
      />
    </FormGroup>
  );
}
