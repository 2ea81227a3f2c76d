/** `qhci vm template VM [--shut-down]` and `qhci vm detach VM`: templates, with task progress on stderr. */
import { AppError } from '../../shared/domain/errors';
import type { Ctx } from '../context';
import type { Opts } from '../options';
import { resolveVm } from '../resolve';
import { runTask } from './snapshots';

export const TEMPLATE_USAGE = `  vm template NAME|ID [--shut-down] [--host NAME]
                                         make it a template: its disks become read-only bases for linked
                                         clones and it is never started; a running VM is refused unless
                                         --shut-down (a clean guest shutdown); a VM with snapshots is refused
  vm detach NAME|ID [--host NAME]        a shut-off linked clone becomes a full VM: its disks get the
                                         template's data (qemu-img rebase) and stand on nothing`;

export async function vmTemplate(ctx: Ctx, args: readonly string[], o: Opts): Promise<number> {
  const [ref] = args;
  if (!ref) throw new AppError('VALIDATION', `Name the VM.\n\n${TEMPLATE_USAGE}`);
  const vm = await resolveVm(ctx, ref, o.host);
  const { taskId } = await ctx.client.call('vms.convertToTemplate', {
    vmId: vm.id,
    shutDown: Boolean(o['shut-down']),
  });
  return runTask(ctx, taskId, () => `${vm.name} is a template`);
}

export async function vmDetach(ctx: Ctx, args: readonly string[], o: Opts): Promise<number> {
  const [ref] = args;
  if (!ref) throw new AppError('VALIDATION', `Name the linked clone.\n\n${TEMPLATE_USAGE}`);
  const vm = await resolveVm(ctx, ref, o.host);
  const { taskId } = await ctx.client.call('vms.detach', { vmId: vm.id });
  return runTask(ctx, taskId, () => `${vm.name} is detached from its template: a full VM of its own`);
}
