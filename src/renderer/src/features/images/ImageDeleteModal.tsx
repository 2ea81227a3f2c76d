import { Alert, Button, Content, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useState } from 'react';
import type { ImageSummary } from '../../../../shared/domain/provision';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';

/**
 * Deleting an image (a volume) from its host's pool, after a confirmation. An image that overlays stand on
 * is refused by main, which names them; the dialog shows that message and deletes nothing.
 */
export function ImageDeleteModal(props: { image: ImageSummary; onClose: () => void }) {
  const remove = useQhciMutation('images.delete');
  const [error, setError] = useState<string | null>(null);
  const { image } = props;

  const confirm = async () => {
    setError(null);
    try {
      await remove.mutateAsync({ id: image.id });
      props.onClose();
    } catch (err) {
      setError(toAppError(err).message);
    }
  };

  return (
    <Modal
      isOpen
      variant="small"
      onClose={props.onClose}
      aria-labelledby="image-delete-title"
      elementToFocus="#image-delete-cancel"
      data-testid="image-delete-modal"
    >
      <ModalHeader title={`Delete ${image.name}?`} titleIconVariant="danger" labelId="image-delete-title" />
      <ModalBody>
        {error !== null && <Alert variant="danger" isInline title={error} data-testid="image-delete-error" />}
        <Content component="p">
          The volume <code>{image.path}</code> is deleted from pool {image.pool ?? '—'} on{' '}
          {image.hostName ?? 'its host'}. This cannot be undone.
        </Content>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          onClick={() => void confirm()}
          isLoading={remove.isPending}
          isDisabled={remove.isPending}
          data-testid="image-delete-confirm"
        >
          Delete
        </Button>
        <Button
          variant="link"
          id="image-delete-cancel"
          onClick={props.onClose}
          data-testid="image-delete-cancel"
        >
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
