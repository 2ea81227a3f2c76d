import { Alert, Button, Content, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import type { CustomizationSpec } from '../../../../shared/domain/spec';
import { useQhciMutation } from '../../api/hooks';

export function SpecDeleteModal(props: { spec: CustomizationSpec; onClose: () => void }) {
  const { spec, onClose } = props;
  const remove = useQhciMutation('specs.delete');
  return (
    <Modal
      isOpen
      variant="small"
      onClose={onClose}
      aria-labelledby="spec-delete-title"
      aria-describedby="spec-delete-body"
      data-testid="spec-delete-modal"
    >
      <ModalHeader title={`Delete ${spec.name}?`} labelId="spec-delete-title" titleIconVariant="warning" />
      <ModalBody id="spec-delete-body">
        {remove.isError && (
          <Alert variant="danger" isInline title={remove.error.message} data-testid="spec-delete-error" />
        )}
        <Content component="p">
          The customization spec is deleted. Virtual machines already created with it keep their settings.
        </Content>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          onClick={() => remove.mutate({ id: spec.id }, { onSuccess: onClose })}
          isLoading={remove.isPending}
          isDisabled={remove.isPending}
          data-testid="spec-delete-confirm"
        >
          Delete
        </Button>
        <Button variant="link" onClick={onClose} data-testid="spec-delete-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
