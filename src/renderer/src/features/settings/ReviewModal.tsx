/**
 * Review changes: asks the VM's host what the draft's changes would do (`vms.settingsPlan`, which changes
 * nothing), shows it, asks for a confirmation of what destroys something, and once applied
 * (`vms.updateSettings`) follows the task to its outcome in place. Cancel changes nothing.
 */
import {
  Alert,
  Button,
  Checkbox,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { VmSettingsChange } from '../../../../shared/domain/vm-settings';
import type { VmDetail } from '../../../../shared/domain/vm';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { SnapshotTaskView } from '../snapshots/SnapshotTaskView';
import { changeTitle } from './draft';
import { PlanView } from './PlanView';

function Destructive(props: {
  items: readonly string[];
  confirmed: boolean;
  onConfirm: (on: boolean) => void;
}) {
  if (props.items.length === 0) return null;
  return (
    <Alert
      variant="warning"
      isInline
      title="Some changes cannot be undone"
      data-testid="settings-destructive"
    >
      <List>
        {props.items.map((d) => (
          <ListItem key={d}>{d}</ListItem>
        ))}
      </List>
      <Checkbox
        id="settings-destructive-confirm"
        label="I understand: apply them"
        isChecked={props.confirmed}
        onChange={(_e, on) => props.onConfirm(on)}
        data-testid="settings-destructive-confirm"
      />
    </Alert>
  );
}

export function ReviewModal(props: {
  vm: VmDetail;
  changes: readonly VmSettingsChange[];
  destructive: readonly string[];
  onClose: () => void;
  /** The task succeeded: the draft is done with. */
  onApplied: () => void;
}) {
  const { vm } = props;
  const [taskId, setTaskId] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const plan = useQhciQuery(
    'vms.settingsPlan',
    { vmId: vm.id, changes: [...props.changes] },
    { enabled: taskId === null, retry: false, staleTime: 0, gcTime: 0, refetchOnWindowFocus: false },
  );
  const apply = useQhciMutation('vms.updateSettings', { onSuccess: (r) => setTaskId(r.taskId) });
  const preview = plan.data;
  const refused = preview !== undefined && (preview.refusals.length > 0 || preview.fit?.feasible === false);
  const canApply =
    preview !== undefined &&
    !plan.isFetching &&
    !refused &&
    (props.destructive.length === 0 || confirmed) &&
    !apply.isPending;
  const summaries = props.changes.map(
    (c, i) => preview?.changes.find((v) => v.index === i)?.summary ?? changeTitle(c),
  );

  return (
    <Modal
      isOpen
      variant="large"
      onClose={props.onClose}
      aria-labelledby="settings-review-title"
      data-testid="settings-review-modal"
    >
      <ModalHeader
        title={taskId === null ? `Review the changes to ${vm.name}` : `Changing the settings of ${vm.name}`}
        labelId="settings-review-title"
        {...(taskId === null ? { description: 'Nothing is changed until Apply.' } : {})}
      />
      <ModalBody>
        {taskId !== null ? (
          <SnapshotTaskView
            taskId={taskId}
            testIdPrefix="settings"
            success={() => `The settings of ${vm.name} were changed`}
          />
        ) : (
          <>
            {apply.error && (
              <Alert
                variant="danger"
                isInline
                title="The changes were not applied"
                data-testid="settings-apply-error"
              >
                {toAppError(apply.error).message}
              </Alert>
            )}
            {plan.isError && (
              <Alert
                variant="danger"
                isInline
                title="The host could not say what the changes would do"
                data-testid="settings-plan-error"
              >
                {toAppError(plan.error).message}
              </Alert>
            )}
            {plan.isPending && (
              <div className="qhci-subtle" data-testid="settings-plan-loading">
                <Spinner size="sm" aria-label="Asking the host" /> Asking the host what the changes would do…
              </div>
            )}
            {preview !== undefined && (
              <>
                <Destructive
                  items={refused ? [] : props.destructive}
                  confirmed={confirmed}
                  onConfirm={setConfirmed}
                />
                <PlanView preview={preview} summaries={summaries} />
              </>
            )}
          </>
        )}
      </ModalBody>
      <ModalFooter>
        {taskId === null ? (
          <>
            <Button
              key="apply"
              variant={props.destructive.length > 0 ? 'danger' : 'primary'}
              isDisabled={!canApply}
              isLoading={apply.isPending}
              onClick={() => apply.mutate({ vmId: vm.id, changes: [...props.changes] })}
              data-testid="settings-apply"
            >
              Apply
            </Button>
            <Button variant="link" onClick={props.onClose} data-testid="settings-review-cancel">
              Cancel
            </Button>
          </>
        ) : (
          <DoneButton taskId={taskId} onClose={props.onClose} onApplied={props.onApplied} />
        )}
      </ModalFooter>
    </Modal>
  );
}

/** Close, after the task: a success clears the draft; a failure keeps it for another try. */
function DoneButton(props: { taskId: string; onClose: () => void; onApplied: () => void }) {
  const task = useQhciQuery('tasks.get', { id: props.taskId });
  const succeeded = task.data?.state === 'succeeded';
  return (
    <Button
      key="close"
      variant="primary"
      onClick={() => {
        if (succeeded) props.onApplied();
        props.onClose();
      }}
      data-testid="settings-review-close"
    >
      Close
    </Button>
  );
}
