/** What a template refuses: deletion while linked clones stand on its disks. */
import { AppError } from '../../../shared/domain/errors';
import type { VmsRepo } from '../../inventory/vms.repo';

/** Refuses deleting a template that linked clones stand on, naming them. */
export function refuseTemplateDelete(vms: VmsRepo, vmId: string): void {
  const vm = vms.get(vmId);
  const children = vms.linkedChildren(vmId);
  if (!vm || !children.length) return;
  const names = children.map((c) => c.name);
  const shown = names.length > 10 ? [...names.slice(0, 10), `and ${names.length - 10} more`] : names;
  throw new AppError(
    'CONFLICT',
    `${vm.template ? 'Template' : 'VM'} ${vm.name} has ${names.length} linked clone${names.length === 1 ? '' : 's'}, which stand on its disks: ${shown.join(', ')}. Delete or detach them first`,
    'vmId',
  );
}
