import { Content, List, ListItem } from '@patternfly/react-core';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { TaskModal } from '../snapshots/TaskModal';
import './clones.css';

/** Whether converting shuts the VM down first: it is running (or paused) now. */
export const convertShutsDown = (vm: Pick<VmSummary, 'state'>) =>
  vm.state === 'running' || vm.state === 'paused';

/**
 * "Convert to template": says that a running VM is shut down first and that the template can never be
 * started again, then follows the task. Confirming a running VM's conversion is the consent main needs
 * (shutDown). Test ids start with `convert-`.
 */
export function ConvertTemplateModal(props: { vm: VmSummary; onClose: () => void }) {
  const { vm } = props;
  const convert = useQhciMutation('vms.convertToTemplate');
  const shutDown = convertShutsDown(vm);
  return (
    <TaskModal
      id="convert"
      title={`Convert ${vm.name} to a template?`}
      danger
      confirmLabel={shutDown ? 'Shut down and convert' : 'Convert'}
      onConfirm={() => convert.mutateAsync({ vmId: vm.id, shutDown })}
      onClose={props.onClose}
      success={() => `${vm.name} is a template: make linked clones of it with New linked clone.`}
    >
      <List data-testid="convert-what">
        {shutDown && (
          <ListItem data-testid="convert-shutdown">
            {vm.name} is {vm.state}: it is <strong>shut down first</strong> (the guest is asked, as Shut down
            does).
          </ListItem>
        )}
        <ListItem data-testid="convert-never-start">
          A template <strong>can no longer be started</strong>, nor opened in a console: it is the source of
          clones.
        </ListItem>
        <ListItem>
          Its disks become read-only bases for linked clones; while a linked clone of it exists it cannot be
          deleted.
        </ListItem>
      </List>
      <Content component="p" className="qhci-subtle qhci-clone-review-note">
        A VM with snapshots, or with disks that are not files, is refused with the reason.
      </Content>
    </TaskModal>
  );
}
