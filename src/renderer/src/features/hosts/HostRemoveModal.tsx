import { Alert, Button, Content, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import type { HostSummary } from '../../../../shared/domain/host';
import { useQhciMutation } from '../../api/hooks';

/** Removing a host forgets it: its inventory rows go, the host and its VMs are never touched. */
export function HostRemoveModal(props: { host: HostSummary; onClose: () => void; onRemoved?: () => void }) {
  const { host, onClose } = props;
  const remove = useQhciMutation('hosts.remove');
  return (
    <Modal
      isOpen
      variant="small"
      onClose={onClose}
      aria-labelledby="host-remove-title"
      aria-describedby="host-remove-body"
      data-testid="host-remove-modal"
    >
      <ModalHeader title={`Remove ${host.name}?`} labelId="host-remove-title" titleIconVariant="warning" />
      <ModalBody id="host-remove-body">
        {remove.isError && (
          <Alert variant="danger" isInline title={remove.error.message} data-testid="host-remove-error" />
        )}
        <Content component="p">
          QHCI forgets this host: its inventory rows (
          {host.vmCount === 1 ? '1 virtual machine' : `${host.vmCount} virtual machines`}, storage pools,
          networks and images) are removed from QHCI.
        </Content>
        <Content component="p">
          <strong>The host itself is never touched.</strong> Its virtual machines keep running and nothing is
          deleted on it. Add the host again to see them.
        </Content>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          onClick={() =>
            remove.mutate(
              { id: host.id },
              {
                onSuccess: () => {
                  onClose();
                  props.onRemoved?.();
                },
              },
            )
          }
          isLoading={remove.isPending}
          isDisabled={remove.isPending}
          data-testid="host-remove-confirm"
        >
          Remove
        </Button>
        <Button variant="link" onClick={onClose} data-testid="host-remove-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
