import { Content } from '@patternfly/react-core';
import type { ImageSummary } from '../../../../shared/domain/provision';
import { useQhciMutation } from '../../api/hooks';
import { ConfirmDeleteModal } from '../../components/ConfirmDeleteModal';

/**
 * Deleting an image (a volume) from its host's pool, after a confirmation. An image that overlays stand on
 * is refused by main, which names them; the dialog shows that message and deletes nothing.
 */
export function ImageDeleteModal(props: { image: ImageSummary; onClose: () => void }) {
  const remove = useQhciMutation('images.delete');
  const { image } = props;
  return (
    <ConfirmDeleteModal
      id="image-delete"
      title={`Delete ${image.name}?`}
      onConfirm={() => remove.mutateAsync({ id: image.id })}
      onClose={props.onClose}
    >
      <Content component="p">
        The volume <code>{image.path}</code> is deleted from pool {image.pool ?? '—'} on{' '}
        {image.hostName ?? 'its host'}. This cannot be undone.
      </Content>
    </ConfirmDeleteModal>
  );
}
