import {
  Alert,
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
  Spinner,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { EvacuationPlan } from '../../../../shared/domain/evacuation';
import type { HostSummary } from '../../../../shared/domain/host';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { SnapshotTaskView } from '../snapshots/SnapshotTaskView';
import { MigrationTasks } from './MigrationTasks';
import { PlanView } from './PlanView';
import './maintenance.css';

type Stuck = 'abort' | 'shut-down';

/**
 * "Enter maintenance…", as vSphere's flow: the scheduler's plan first (read again as the inventory changes,
 * until the task starts: the plan started is then kept, so it holds still while VMs move), a choice for the VMs that cannot move (shut them down, or Cancel), a
 * confirmation, then the task and each VM's migration in place. Test ids start with `maintenance-`.
 */
export function MaintenanceModal(props: { host: HostSummary; onClose: () => void }) {
  const { host } = props;
  const enter = useQhciMutation('hosts.enterMaintenance');
  const planned = useQhciQuery('hosts.maintenancePlan', { id: host.id });
  const [started, setStarted] = useState<EvacuationPlan | null>(null);
  const plan = started ?? planned.data ?? null;
  const [stuck, setStuck] = useState<Stuck>('abort');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);

  const replan = () => {
    setError(null);
    setConfirming(false);
    void planned.refetch();
  };
  const go = async (p: EvacuationPlan) => {
    setError(null);
    setBusy(true);
    try {
      const { taskId } = await enter.mutateAsync({ id: host.id, stuck });
      setStarted(p);
      setTaskId(taskId);
    } catch (err) {
      setError(toAppError(err).message);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  const blocked = plan !== null && plan.stuck.length > 0 && stuck === 'abort';

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={props.onClose}
      aria-labelledby="maintenance-title"
      data-testid="maintenance-modal"
    >
      <ModalHeader
        title={
          taskId === null ? `Enter maintenance mode: ${host.name}` : `Entering maintenance: ${host.name}`
        }
        labelId="maintenance-title"
        description="The host is marked in maintenance (nothing new is placed on it) and its VMs migrate to the hosts the scheduler chose, two at a time."
      />
      <ModalBody>
        {planned.isError && taskId === null && (
          <Alert
            variant="danger"
            isInline
            title={planned.error.message}
            data-testid="maintenance-plan-error"
          />
        )}
        {error !== null && <Alert variant="danger" isInline title={error} data-testid="maintenance-error" />}
        {taskId !== null ? (
          <div className="qhci-maintenance-plan">
            <SnapshotTaskView
              taskId={taskId}
              testIdPrefix="maintenance"
              success={() => `${host.name} is in maintenance mode.`}
            />
            <MigrationTasks moves={plan?.moves ?? []} taskId={taskId} />
          </div>
        ) : plan === null ? (
          planned.isPending && <Spinner size="lg" aria-label="Planning" />
        ) : (
          <>
            <PlanView plan={plan} hostName={host.name} />
            {plan.stuck.length > 0 && (
              <div className="qhci-maintenance-choice" data-testid="maintenance-stuck-choice">
                <Radio
                  id="maintenance-stuck-abort"
                  name="maintenance-stuck"
                  isChecked={stuck === 'abort'}
                  onChange={() => setStuck('abort')}
                  label="Keep them running: do not enter maintenance (Cancel)"
                  data-testid="maintenance-stuck-abort"
                />
                <Radio
                  id="maintenance-stuck-shutdown"
                  name="maintenance-stuck"
                  isChecked={stuck === 'shut-down'}
                  onChange={() => setStuck('shut-down')}
                  label="Shut them down cleanly once the others have moved"
                  data-testid="maintenance-stuck-shutdown"
                />
              </div>
            )}
            {confirming && (
              <Alert
                variant="warning"
                isInline
                className="qhci-maintenance-heading"
                title={`Put ${host.name} in maintenance mode now?`}
                data-testid="maintenance-confirmation"
              >
                {confirmText(plan, stuck)}
              </Alert>
            )}
          </>
        )}
      </ModalBody>
      <ModalFooter>{footer()}</ModalFooter>
    </Modal>
  );

  function footer() {
    if (taskId !== null) {
      return (
        <Button variant="primary" onClick={props.onClose} data-testid="maintenance-close">
          Close
        </Button>
      );
    }
    if (confirming && plan !== null) {
      return (
        <>
          <Button
            key="go"
            variant="primary"
            onClick={() => void go(plan)}
            isLoading={busy}
            isDisabled={busy}
            data-testid="maintenance-confirm"
          >
            Enter maintenance now
          </Button>
          <Button variant="link" onClick={() => setConfirming(false)} data-testid="maintenance-back">
            Back
          </Button>
        </>
      );
    }
    return (
      <>
        <Button
          key="start"
          variant="primary"
          onClick={() => setConfirming(true)}
          isDisabled={busy || plan === null || blocked}
          data-testid="maintenance-start"
        >
          Enter maintenance
        </Button>
        <Button
          key="replan"
          variant="secondary"
          onClick={replan}
          isDisabled={busy || planned.isFetching}
          data-testid="maintenance-replan"
        >
          Plan again
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="maintenance-cancel">
          Cancel
        </Button>
      </>
    );
  }
}

function confirmText(plan: EvacuationPlan, stuck: Stuck): string {
  const n = plan.moves.length;
  const moving = n ? `${n} VM${n === 1 ? ' migrates' : 's migrate'} as planned.` : 'No VM has to move.';
  const down =
    plan.stuck.length && stuck === 'shut-down'
      ? ` ${plan.stuck.length} that cannot move ${plan.stuck.length === 1 ? 'is' : 'are'} shut down.`
      : '';
  return `${moving}${down} If a VM does not move, the host leaves maintenance again; the VMs that moved stay moved.`;
}
