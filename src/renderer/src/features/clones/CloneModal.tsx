import {
  Alert,
  Button,
  Form,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
} from '@patternfly/react-core';
import { keepPreviousData } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { CloneMode } from '../../../../shared/domain/clone';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { useProjectInput } from '../../stores/project';
import { CloneDestination } from './CloneDestination';
import { CloneFields } from './CloneForm';
import { CloneReview } from './CloneReview';
import { CloneTasks } from './CloneTasks';
import {
  clonePlacementRequest,
  cloneRequest,
  initCloneDraft,
  namePreview,
  placedOn,
  validateCloneDraft,
  type CloneDraft,
} from './draft';
import { startedTaskIds } from './started';
import './clones.css';
import '../snapshots/snapshots.css';

type Phase = { kind: 'form' } | { kind: 'review' } | { kind: 'tasks'; taskIds: readonly string[] };

const NO_VMS: readonly VmSummary[] = [];

/**
 * Cloning a VM (or making linked clones of a template): the form with a live preview of the names and, for
 * placed clones, the scheduler's dry run; then a confirmation that says what is copied; then the tasks, live.
 * Test ids start with `clone-`.
 */
export function CloneModal(props: { vm: VmSummary; mode?: CloneMode; onClose: () => void }) {
  const { vm } = props;
  const project = useProjectInput();
  const [draft, setDraft] = useState<CloneDraft>(() => initCloneDraft(vm, props.mode));
  const [phase, setPhase] = useState<Phase>({ kind: 'form' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const clone = useQhciMutation('vms.clone');

  const detail = useQhciQuery('vms.get', { id: vm.id });
  const vms = useQhciQuery('vms.list', project).data ?? NO_VMS;
  const hosts = useQhciQuery('hosts.list', project).data ?? [];
  const sourceHost = useQhciQuery('hosts.get', { id: vm.hostId ?? '' }, { enabled: vm.hostId !== null });
  const chosenHost = useQhciQuery(
    'hosts.get',
    { id: draft.hostId },
    { enabled: draft.destination === 'host' && draft.hostId !== '' },
  );

  const used = useMemo(() => new Set(vms.map((v) => v.name)), [vms]);
  const preview = namePreview(draft, vm.name, used);
  const errors = validateCloneDraft(draft, vm, used);
  const request = useMemo(
    () =>
      detail.data === undefined
        ? null
        : clonePlacementRequest(draft, detail.data, sourceHost.data?.volumes ?? []),
    [draft, detail.data, sourceHost.data],
  );
  const placement = useQhciQuery(
    'scheduler.place',
    // A disabled query's input is never sent; it only needs the right shape.
    { ...project, request: request ?? { vcpus: 1, memoryBytes: 1024 * 1024 } },
    { enabled: request !== null, placeholderData: keepPreviousData },
  );
  const outcome = request === null ? undefined : placement.data;
  const placementOk = draft.destination === 'source' || (outcome?.ok === true && !placement.isFetching);
  const canNext = Object.keys(errors).length === 0 && detail.data !== undefined && placementOk;

  const sourceHostName = sourceHost.data?.host.name ?? vm.hostId ?? 'no host';
  const where =
    draft.destination === 'source'
      ? `${sourceHostName}, beside ${vm.name}`
      : `${placedOn(outcome, hosts) ?? '—'}${draft.destination === 'host' && draft.pool !== '' ? `, pool ${draft.pool}` : ''}`;

  const elsewhere =
    draft.destination !== 'source' &&
    outcome?.ok === true &&
    outcome.result.chosen.some((id) => id !== vm.hostId);

  const update = (patch: Partial<CloneDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const start = async () => {
    setError(null);
    setBusy(true);
    try {
      const out = await clone.mutateAsync(cloneRequest(draft, vm.id));
      setPhase({ kind: 'tasks', taskIds: startedTaskIds(out) });
    } catch (err) {
      setError(toAppError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const title =
    phase.kind === 'tasks'
      ? `Cloning ${vm.name}`
      : draft.mode === 'linked'
        ? `New linked clone of ${vm.name}`
        : `Clone ${vm.name}`;
  const n = preview.names.length;

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={props.onClose}
      aria-labelledby="clone-title"
      data-testid="clone-modal"
    >
      <ModalHeader
        title={title}
        labelId="clone-title"
        {...(phase.kind === 'review' ? { description: 'Check what will be made, then clone.' } : {})}
      />
      <ModalBody>
        {detail.isError && (
          <Alert variant="danger" isInline title={detail.error.message} data-testid="clone-load-error" />
        )}
        {phase.kind === 'form' && (
          <Form
            id="clone-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (canNext) setPhase({ kind: 'review' });
            }}
            data-testid="clone-form"
          >
            <CloneFields source={vm} draft={draft} errors={errors} preview={preview} onChange={update} />
            <CloneDestination
              draft={draft}
              errors={errors}
              sourceHostName={sourceHostName}
              hosts={hosts}
              pools={chosenHost.data?.pools}
              outcome={outcome}
              outcomeStale={placement.isFetching}
              outcomeError={request !== null && placement.isError ? placement.error.message : null}
              onChange={update}
            />
          </Form>
        )}
        {phase.kind === 'review' &&
          (detail.data === undefined ? (
            <Spinner size="md" aria-label="Reading the VM" />
          ) : (
            <>
              {error !== null && <Alert variant="danger" isInline title={error} data-testid="clone-error" />}
              <CloneReview
                source={detail.data}
                draft={draft}
                names={preview.names}
                where={where}
                elsewhere={elsewhere}
              />
            </>
          ))}
        {phase.kind === 'tasks' && <CloneTasks taskIds={phase.taskIds} onOpen={props.onClose} />}
      </ModalBody>
      <ModalFooter>
        {/* One primary button, Next then Clone then Close: the element (and the focus it has) stays in the
            dialog, whose focus trap fails when the focused element goes away (as in TaskModal). */}
        <Button
          variant="primary"
          onClick={() => {
            if (phase.kind === 'form') setPhase({ kind: 'review' });
            else if (phase.kind === 'review') void start();
            else props.onClose();
          }}
          isLoading={phase.kind === 'review' && busy}
          isDisabled={phase.kind === 'form' ? !canNext : phase.kind === 'review' && busy}
          data-testid={
            phase.kind === 'form' ? 'clone-next' : phase.kind === 'review' ? 'clone-confirm' : 'clone-close'
          }
        >
          {phase.kind === 'form'
            ? 'Next'
            : phase.kind === 'review'
              ? n === 1
                ? 'Clone'
                : `Make ${n} clones`
              : 'Close'}
        </Button>
        {phase.kind === 'review' && (
          <Button variant="secondary" onClick={() => setPhase({ kind: 'form' })} data-testid="clone-back">
            Back
          </Button>
        )}
        {phase.kind !== 'tasks' && (
          <Button variant="link" onClick={props.onClose} data-testid="clone-cancel">
            Cancel
          </Button>
        )}
      </ModalFooter>
    </Modal>
  );
}
