import { Alert, Button, Form, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useState, type ReactNode } from 'react';
import type { Task } from '../../../../shared/domain/provision';
import { toAppError } from '../../components/errors';
import { SnapshotTaskView } from './SnapshotTaskView';

/**
 * A dialog that first says what an operation will do and, once confirmed, follows its task to the end in
 * place. The confirmation's own error (a refusal before the task starts) is shown above it and keeps the
 * dialog open. Test ids: `${id}-modal`, `-error`, `-confirm`, `-cancel`, `-close` and the task view's.
 */
export function TaskModal(props: {
  id: string;
  title: string;
  description?: string;
  danger?: boolean;
  confirmLabel: string;
  /** False disables the confirm button (an invalid form, a refused plan). */
  canConfirm?: boolean;
  onConfirm: () => Promise<{ taskId: string }>;
  onClose: () => void;
  success: (task: Task) => ReactNode;
  /** What the confirmation says, or the form. */
  children: ReactNode;
  variant?: 'small' | 'medium';
  /** The children are form fields: they sit in a form that Enter submits (as the confirm button does). */
  form?: boolean;
}) {
  const { id } = props;
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setError(null);
    setBusy(true);
    try {
      setTaskId((await props.onConfirm()).taskId);
    } catch (err) {
      setError(toAppError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      isOpen
      variant={props.variant ?? 'small'}
      onClose={props.onClose}
      aria-labelledby={`${id}-title`}
      elementToFocus={props.danger ? `#${id}-cancel` : undefined}
      data-testid={`${id}-modal`}
    >
      <ModalHeader
        // Once confirmed, the question is answered: the title names the operation, without the warning.
        title={taskId === null ? props.title : props.title.replace(/\?$/, '')}
        labelId={`${id}-title`}
        {...(props.danger && taskId === null ? { titleIconVariant: 'warning' as const } : {})}
        {...(props.description !== undefined && taskId === null ? { description: props.description } : {})}
      />
      <ModalBody>
        {taskId === null ? (
          <>
            {error !== null && <Alert variant="danger" isInline title={error} data-testid={`${id}-error`} />}
            {props.form ? (
              <Form
                id={`${id}-form`}
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!busy && props.canConfirm !== false) void confirm();
                }}
              >
                {props.children}
              </Form>
            ) : (
              props.children
            )}
          </>
        ) : (
          <SnapshotTaskView taskId={taskId} testIdPrefix={id} success={props.success} />
        )}
      </ModalBody>
      <ModalFooter>
        {/* One primary button, Confirm then Close: the element (and the focus it has) stays in the dialog,
            whose focus trap fails when the focused element goes away along with the one it focused first. */}
        {taskId === null ? (
          <Button
            key="primary"
            variant={props.danger ? 'danger' : 'primary'}
            onClick={() => void confirm()}
            isLoading={busy}
            isDisabled={busy || props.canConfirm === false}
            data-testid={`${id}-confirm`}
          >
            {props.confirmLabel}
          </Button>
        ) : (
          <Button key="primary" variant="primary" onClick={props.onClose} data-testid={`${id}-close`}>
            Close
          </Button>
        )}
        {taskId === null && (
          <Button variant="link" id={`${id}-cancel`} onClick={props.onClose} data-testid={`${id}-cancel`}>
            Cancel
          </Button>
        )}
      </ModalFooter>
    </Modal>
  );
}
