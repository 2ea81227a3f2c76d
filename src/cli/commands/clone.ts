/** `qhci vm clone SOURCE NAME [--description TEXT]`: a full clone of a shut-off VM, progress on stderr. */
import { AppError } from '../../shared/domain/errors';
import type { Ctx } from '../context';
import { followTasks, ProgressView } from '../follow';
import type { Opts } from '../options';
import { resolveVm } from '../resolve';
import { outcomeText } from './create';

export const CLONE_USAGE = `  vm clone SOURCE NAME [--description TEXT] [--host NAME]
                                         a full clone of a shut-off VM on its host: new name, UUID and
                                         MACs, its writable disks copied, a fresh cloud-init seed`;

export async function vmClone(ctx: Ctx, args: readonly string[], o: Opts): Promise<number> {
  const [ref, name] = args;
  if (!ref || !name) throw new AppError('VALIDATION', `Name the source VM and the clone.\n\n${CLONE_USAGE}`);
  const vm = await resolveVm(ctx, ref, o.host);
  const { taskId } = await ctx.client.call('vms.clone', {
    vmId: vm.id,
    name,
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
  });
  const [task] = await followTasks(ctx, [taskId], new ProgressView());
  if (ctx.json) console.log(JSON.stringify(task, null, 2));
  if (task!.state !== 'succeeded') {
    console.error(`qhci: ${outcomeText(task!, new Map())}`);
    return 1;
  }
  if (!ctx.json) console.log(`Cloned ${vm.name} as ${name} (shut off)`);
  return 0;
}
