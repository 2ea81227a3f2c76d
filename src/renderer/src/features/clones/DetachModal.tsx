import { Content } from '@patternfly/react-core';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { TaskModal } from '../snapshots/TaskModal';

/**
 * "Detach from template": a linked clone becomes a full VM (each overlay rebased onto no backing, so the
 * template's data is copied into it), after a confirmation naming the template. Test ids: `detach-`.
 */
export function DetachModal(props: { vm: VmSummary; templateName: string | null; onClose: () => void }) {
  const { vm } = props;
  const detach = useQhciMutation('vms.detach');
  const template = props.templateName ?? 'its template';
  return (
    <TaskModal
      id="detach"
      title={`Detach ${vm.name}?`}
      description={`From its template, ${template}`}
      confirmLabel="Detach"
      onConfirm={() => detach.mutateAsync({ vmId: vm.id })}
      onClose={props.onClose}
      success={() => `${vm.name} is a full VM: it no longer depends on ${template}.`}
    >
      <Content component="p" data-testid="detach-what">
        The data {vm.name} reads from {template} is copied into its own disks, which then stand alone (
        <code>qemu-img rebase</code> onto no backing). {vm.name} takes as much room as a full clone, and{' '}
        {template} no longer counts it among its linked clones.
      </Content>
      <Content component="p" className="qhci-subtle">
        {vm.name} stays shut off while its disks are rewritten.
      </Content>
    </TaskModal>
  );
}
