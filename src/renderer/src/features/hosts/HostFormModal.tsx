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
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AppError } from '../../../../shared/domain/errors';
import type { HostKeyProbe, HostTestResult as TestResult } from '../../../../shared/domain/host';
import { qhci } from '../../api/client';
import { useQhciMutation } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { fieldMessage, toAppError } from '../../components/errors';
import {
  checkConnection,
  checkSave,
  connectionChanged,
  draftFromHost,
  EMPTY_DRAFT,
  keyAddress,
  keyTarget,
  serverFieldOf,
  type FormErrors,
  type FormMode,
  type HostDraft,
} from './draft';
import { HostFormFields } from './HostFormFields';
import { HostKeyPrompt } from './HostKeyPrompt';
import { HostTestResult } from './HostTestResult';

type Action = 'test' | 'save';
type Busy = 'probe' | 'test' | 'save' | null;

const BUSY_TEXT: Record<Exclude<Busy, null>, string> = {
  probe: 'Reading the host key…',
  test: 'Connecting to the host…',
  save: 'Connecting and reading the inventory…',
};

interface Probed {
  readonly target: string;
  readonly result: HostKeyProbe;
}

/**
 * Add a host, or edit one. For an SSH host (or a libvirt URI over ssh), Test connection and Add first read
 * the host key: an unknown key
 * is shown and must be trusted explicitly, a changed one stops everything. The accepted fingerprint goes
 * with `hosts.test` and `hosts.add`, so main connects only to that key.
 */
export function HostFormModal(props: { mode: FormMode; onClose: () => void }) {
  const { mode, onClose } = props;
  const project = useProjectInput();
  const initial = useMemo(() => (mode.kind === 'edit' ? draftFromHost(mode.host) : EMPTY_DRAFT), [mode]);
  const [draft, setDraft] = useState<HostDraft>(initial);
  const [attempted, setAttempted] = useState<Action | null>(null);
  const [serverError, setServerError] = useState<AppError | undefined>();
  const [probe, setProbe] = useState<Probed | null>(null);
  const [accepted, setAccepted] = useState<{ target: string; fingerprint: string } | null>(null);
  const [pending, setPending] = useState<Action>('test');
  const [tested, setTested] = useState<TestResult | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const add = useQhciMutation('hosts.add');
  const update = useQhciMutation('hosts.update');

  const target = keyTarget(draft);
  const currentProbe = probe !== null && probe.target === target ? probe.result : null;
  const isAccepted =
    currentProbe !== null &&
    accepted !== null &&
    accepted.target === target &&
    accepted.fingerprint === currentProbe.fingerprint;
  // On edit, an unchanged connection is not sent, so its host key is not asked about.
  const connectionTouched = mode.kind === 'add' || connectionChanged(draft, initial);

  const check = useMemo(
    () =>
      attempted === 'save'
        ? checkSave(draft, mode, initial, project)
        : attempted === 'test'
          ? checkConnection(draft)
          : null,
    [attempted, draft, mode, initial, project],
  );
  const serverField = serverFieldOf(serverError, draft);
  const errors: FormErrors = useMemo(() => {
    const shown: FormErrors = check !== null && !check.ok ? { ...check.errors } : {};
    if (serverField !== undefined && serverError !== undefined)
      shown[serverField] ??= fieldMessage(serverError);
    return shown;
  }, [check, serverError, serverField]);
  const unplacedError = serverError !== undefined && serverField === undefined ? serverError : undefined;
  const errorCount = Object.keys(errors).length;

  const change = (patch: Partial<HostDraft>) => {
    const next = { ...draft, ...patch };
    // A test result describes the connection it was made with.
    if (connectionChanged(draft, next)) setTested(null);
    setDraft(next);
    setServerError(undefined);
  };

  const run = async (action: Action, acceptNow?: string) => {
    setAttempted(action);
    setServerError(undefined);
    const conn = checkConnection(draft);
    const save = checkSave(draft, mode, initial, project);
    if (action === 'test' ? !conn.ok : !save.ok) return;
    const sendsConnection =
      action === 'test' || (save.ok && (save.input.kind === 'add' || save.input.withConnection));
    let acceptFingerprint: string | undefined;
    try {
      const keyAt = keyAddress(draft);
      if (sendsConnection && target !== null && keyAt !== null) {
        let p = currentProbe;
        if (p === null) {
          setBusy('probe');
          p = await qhci.call('hosts.probe', keyAt);
          setProbe({ target, result: p });
        }
        if (p.status === 'changed') return;
        if (p.status === 'unknown') {
          if (acceptNow !== p.fingerprint && !isAccepted) {
            setPending(action);
            return;
          }
          acceptFingerprint = p.fingerprint;
        }
      }
      const accept = acceptFingerprint === undefined ? {} : { acceptFingerprint };
      if (action === 'test') {
        if (!conn.ok) return;
        setBusy('test');
        setTested(await qhci.call('hosts.test', { connection: conn.input, ...accept }));
        return;
      }
      if (!save.ok) return;
      setBusy('save');
      if (save.input.kind === 'add') await add.mutateAsync({ ...save.input.input, ...accept });
      else await update.mutateAsync({ ...save.input.input, ...(save.input.withConnection ? accept : {}) });
      onClose();
    } catch (err) {
      const e = toAppError(err);
      setServerError(e);
      if (action === 'test') setTested(null);
      // The key changed between the probe and the connection: read it again next time.
      if (e.code === 'HOST_KEY_UNKNOWN' || e.code === 'HOST_KEY_CHANGED') setProbe(null);
    } finally {
      setBusy(null);
    }
  };

  const trust = () => {
    if (currentProbe === null || target === null) return;
    setAccepted({ target, fingerprint: currentProbe.fingerprint });
    void run(pending, currentProbe.fingerprint);
  };

  // What the buttons in the footer produced (an error, the key prompt, progress, the result) is shown at
  // the end of the form: bring it into view when it changes.
  const statusRef = useRef<HTMLDivElement>(null);
  const statusKey = [unplacedError?.message, currentProbe?.status, isAccepted, busy, tested !== null].join(
    '|',
  );
  useEffect(() => {
    statusRef.current?.scrollIntoView({ block: 'nearest' });
  }, [statusKey]);

  const title = mode.kind === 'add' ? 'Add host' : `Edit ${mode.host.name}`;
  // An SSH host, or a libvirt URI over ssh/libssh: the same prompt for the same kind of key.
  const showPrompt = connectionTouched && currentProbe !== null && currentProbe.status !== 'trusted';

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={busy === null ? onClose : undefined}
      aria-labelledby="host-form-title"
      elementToFocus="#host-name"
      data-testid="host-form"
    >
      <ModalHeader title={title} labelId="host-form-title" />
      <ModalBody>
        <Form
          id="host-form-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (busy === null) void run('save');
          }}
        >
          {errorCount > 0 && !unplacedError && (
            <Alert
              variant="danger"
              isInline
              isPlain
              title={
                errorCount === 1
                  ? 'Fix the field marked below.'
                  : `Fix the ${errorCount} fields marked below.`
              }
              data-testid="host-form-invalid"
            />
          )}
          <HostFormFields draft={draft} errors={errors} mode={mode} update={change} />
          <div ref={statusRef} className="qhci-form-status">
            {unplacedError && (
              <Alert
                variant="danger"
                isInline
                isLiveRegion
                title={unplacedError.message}
                data-testid="host-form-error"
              />
            )}
            {showPrompt && currentProbe !== null && target !== null && !isAccepted && (
              <HostKeyPrompt target={target} probe={currentProbe} busy={busy !== null} onTrust={trust} />
            )}
            {showPrompt && isAccepted && currentProbe !== null && (
              <Alert
                variant="info"
                isInline
                isPlain
                title="Host key accepted for this connection"
                data-testid="host-key-accepted"
              >
                <span className="qhci-subtle">{currentProbe.keyType}</span>{' '}
                <code className="qhci-fingerprint">{currentProbe.fingerprint}</code>
                <div className="qhci-subtle">QHCI connects to {target} only while it presents this key.</div>
              </Alert>
            )}
            {busy !== null && (
              <div className="qhci-progress" role="status" data-testid="host-progress">
                <Spinner size="md" aria-hidden /> {BUSY_TEXT[busy]}
              </div>
            )}
            {tested !== null && <HostTestResult result={tested} />}
          </div>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="host-form-form"
          isLoading={busy === 'save'}
          isDisabled={busy !== null}
          data-testid="host-save"
        >
          {mode.kind === 'add' ? 'Add' : 'Save'}
        </Button>
        <Button
          variant="secondary"
          onClick={() => void run('test')}
          isLoading={busy === 'test' || busy === 'probe'}
          isDisabled={busy !== null}
          data-testid="host-test"
        >
          Test connection
        </Button>
        <Button variant="link" onClick={onClose} isDisabled={busy !== null} data-testid="host-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
