import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { MigrateModal } from '../migrate/MigrateModal';
import type { VmActionName } from './actions';
import { CloneModal } from './CloneModal';
import { ConvertTemplateModal } from './ConvertTemplateModal';
import { DetachModal } from './DetachModal';

/** The dialog of one clone or template action on a VM (from its page or the list's row menu). */
export function VmActionDialog(props: { vm: VmSummary; action: VmActionName; onClose: () => void }) {
  const { vm, action, onClose } = props;
  switch (action) {
    case 'clone':
      return <CloneModal vm={vm} mode="full" onClose={onClose} />;
    case 'linked-clone':
      return <CloneModal vm={vm} mode="linked" onClose={onClose} />;
    case 'convert':
      return <ConvertTemplateModal vm={vm} onClose={onClose} />;
    case 'detach':
      return <DetachFromParent vm={vm} onClose={onClose} />;
    case 'migrate':
      return <MigrateModal vm={vm} onClose={onClose} />;
  }
}

function DetachFromParent(props: { vm: VmSummary; onClose: () => void }) {
  const project = useProjectInput();
  const vms = useQhciQuery('vms.list', project).data;
  const parent = vms?.find((v) => v.id === props.vm.parentId);
  return <DetachModal vm={props.vm} templateName={parent?.name ?? null} onClose={props.onClose} />;
}
