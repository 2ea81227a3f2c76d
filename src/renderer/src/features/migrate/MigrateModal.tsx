import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { MigrationPreflight, VmMigrateInput } from '../../../../shared/domain/migration';
import type { VmSummary } from '../../../../shared/domain/vm';
import { qhci } from '../../api/client';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { useProjectInput } from '../../stores/project';
import { SnapshotTaskView } from '../snapshots/SnapshotTaskView';
import { PreflightView } from './PreflightView';
import './migrate.css';

type Transport = VmMigrateInput['transport'];
const SCHEDULER = '';

/**
 * "Migrate…": choose the destination (or let the scheduler choose) and how disks travel, Check (the
 * preflight, changing nothing), then Migrate, enabled only when every check passed and confirmed once more;
 * the task is then followed in place. Changing the destination or the transport discards the preflight.
 * Test ids start with `migrate-`.
 */
export function MigrateModal(props: { vm: VmSummary; onClose: () => void }) {
  const { vm } = props;
  const hosts = (useQhciQuery('hosts.list', useProjectInput()).data ?? []).filter((h) => h.id !== vm.hostId);
  const migrate = useQhciMutation('vms.migrate');
  const [dest, setDest] = useState(SCHEDULER);
  const [transport, setTransport] = useState<Transport>('auto');
  const [preflight, setPreflight] = useState<MigrationPreflight | null>(null);
  const [busy, setBusy] = useState<'check' | 'migrate' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);

  const input = (): VmMigrateInput => ({ vmId: vm.id, transport, ...(dest ? { toHostId: dest } : {}) });
  const reset = () => {
    setPreflight(null);
    setConfirming(false);
    setError(null);
  };
  const run = async (what: 'check' | 'migrate', f: () => Promise<void>) => {
    setError(null);
    setBusy(what);
    try {
      await f();
    } catch (err) {
      setError(toAppError(err).message);
      setConfirming(false);
    } finally {
      setBusy(null);
    }
  };
  const check = () =>
    run('check', async () => setPreflight(await qhci.call('vms.migratePreflight', input())));
  // The destination checked is the one migrated to: the scheduler is not asked a second time.
  const go = (p: MigrationPreflight) =>
    run('migrate', async () =>
      setTaskId((await migrate.mutateAsync({ ...input(), toHostId: p.toHostId })).taskId),
    );

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={props.onClose}
      aria-labelledby="migrate-title"
      data-testid="migrate-modal"
    >
      <ModalHeader
        title={taskId === null ? `Migrate ${vm.name}` : `Migrating ${vm.name}`}
        labelId="migrate-title"
        description={vm.state === 'running' ? 'Live: it keeps running while it moves' : undefined}
      />
      <ModalBody>
        {taskId !== null ? (
          <SnapshotTaskView
            taskId={taskId}
            testIdPrefix="migrate"
            success={() =>
              `${vm.name} is on ${preflight?.toHostName ?? 'its new host'}${preflight?.mode === 'live' ? ', running' : ''}.`
            }
          />
        ) : (
          <>
            {error !== null && <Alert variant="danger" isInline title={error} data-testid="migrate-error" />}
            <Form isHorizontal onSubmit={(e) => e.preventDefault()}>
              <FormGroup label="Destination" fieldId="migrate-dest">
                <FormSelect
                  id="migrate-dest"
                  value={dest}
                  onChange={(_e, v) => {
                    setDest(v);
                    reset();
                  }}
                  data-testid="migrate-dest"
                >
                  <FormSelectOption value={SCHEDULER} label="Let the scheduler choose" />
                  {hosts.map((h) => (
                    <FormSelectOption key={h.id} value={h.id} label={h.name} />
                  ))}
                </FormSelect>
              </FormGroup>
              <FormGroup label="Disks travel" fieldId="migrate-transport">
                <FormSelect
                  id="migrate-transport"
                  value={transport}
                  onChange={(_e, v) => {
                    setTransport(v as Transport);
                    reset();
                  }}
                  data-testid="migrate-transport-select"
                >
                  <FormSelectOption
                    value="auto"
                    label="Automatic (directly when the hosts reach each other)"
                  />
                  <FormSelectOption value="direct" label="Directly, host to host" />
                  <FormSelectOption value="console" label="Through this console (checksum-verified)" />
                </FormSelect>
              </FormGroup>
            </Form>
            {preflight !== null && <PreflightView p={preflight} />}
            {confirming && preflight !== null && (
              <Alert
                variant="warning"
                isInline
                className="qhci-migrate-heading"
                title={`Migrate ${vm.name} to ${preflight.toHostName} now (${preflight.mode})?`}
                data-testid="migrate-confirmation"
              >
                {preflight.mode === 'live'
                  ? 'It keeps running; if anything fails it stays on this host and nothing is left there.'
                  : 'It stays shut off; if anything fails it stays on this host and nothing is left there.'}
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
        <Button key="close" variant="primary" onClick={props.onClose} data-testid="migrate-close">
          Close
        </Button>
      );
    }
    if (confirming && preflight !== null) {
      return (
        <>
          <Button
            key="go"
            variant="primary"
            onClick={() => void go(preflight)}
            isLoading={busy === 'migrate'}
            isDisabled={busy !== null}
            data-testid="migrate-confirm"
          >
            Migrate now
          </Button>
          <Button variant="link" onClick={() => setConfirming(false)} data-testid="migrate-back">
            Back
          </Button>
        </>
      );
    }
    return (
      <>
        <Button
          key="check"
          variant={preflight?.ok ? 'secondary' : 'primary'}
          onClick={() => void check()}
          isLoading={busy === 'check'}
          isDisabled={busy !== null}
          data-testid="migrate-check"
        >
          {preflight === null ? 'Check' : 'Check again'}
        </Button>
        <Button
          key="migrate"
          variant="primary"
          onClick={() => setConfirming(true)}
          isDisabled={busy !== null || preflight?.ok !== true}
          data-testid="migrate-start"
        >
          Migrate
        </Button>
        <Button variant="link" onClick={props.onClose} data-testid="migrate-cancel">
          Cancel
        </Button>
      </>
    );
  }
}
