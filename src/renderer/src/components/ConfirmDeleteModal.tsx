import { Alert, Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useState, type ReactNode } from 'react';
import { toAppError } from './errors';

/**
 * A dialog that asks before deleting something: the danger button runs `onConfirm`; success closes the
 * dialog, a failure shows its message and keeps it open. Focus starts on Cancel. Test ids are
 * `${id}-modal`, `-error`, `-confirm` and `-cancel`.
 */
export function ConfirmDeleteModal(props: {
  id: string;
  title: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  /** After a success, once the dialog is closed (a page that showed the deleted thing goes back). */
  onDone?: () => void;
  children: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { id } = props;

  const confirm = async () => {
    setError(null);
    setBusy(true);
    try {
      await props.onConfirm();
      props.onClose();
      props.onDone?.();
    } catch (err) {
      setError(toAppError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby={`${id}-title`}
      elementToFocus={`#${id}-cancel`}
      data-testid={`${id}-modal`}
    >
      <ModalHeader title={props.title} titleIconVariant="danger" labelId={`${id}-title`} />
      <ModalBody>
        {error !== null && <Alert variant="danger" isInline title={error} data-testid={`${id}-error`} />}
        {props.children}
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          onClick={() => void confirm()}
          isLoading={busy}
          isDisabled={busy}
          data-testid={`${id}-confirm`}
        >
          Delete
        </Button>
        <Button variant="link" id={`${id}-cancel`} onClick={props.onClose} data-testid={`${id}-cancel`}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
