/**
 * `qhci vm clone SOURCE NAME [--linked] [--count N] [--host H] [--pool P] [--strategy S] [--description TEXT]`:
 * full or linked clones of a shut-off VM, each a task whose progress goes to stderr.
 */
import type { VmCloneRequest } from '../../shared/domain/clone';
import { AppError } from '../../shared/domain/errors';
import type { Task } from '../../shared/domain/provision';
import { parseCount } from '../args';
import type { Ctx } from '../context';
import { followTasks, ProgressView } from '../follow';
import type { Opts } from '../options';
import { resolveHost, resolveVm } from '../resolve';
import { outcomeText } from './create';

export const CLONE_USAGE = `  vm clone SOURCE NAME [--linked] [--count N] [--host NAME] [--pool POOL] [--strategy S]
           [--description TEXT]              clones of a shut-off VM: new name, UUID and MACs, a fresh
                                         cloud-init seed; its writable disks copied, or with --linked
                                         (a template only) qcow2 overlays on them. --count N names them
                                         from NAME ({{.VMName}}, {{.Index}}; else NAME-1…NAME-N). With
                                         --host, --pool or --strategy the scheduler places them (to another
                                         host the disks travel checksum-verified)`;

export async function vmClone(ctx: Ctx, args: readonly string[], o: Opts): Promise<number> {
  const [ref, name] = args;
  if (!ref || !name) throw new AppError('VALIDATION', `Name the source VM and the clone.\n\n${CLONE_USAGE}`);
  const vm = await resolveVm(ctx, ref);
  const placed = o.host !== undefined || o.pool !== undefined || o.strategy !== undefined;
  const request: VmCloneRequest = {
    vmId: vm.id,
    name,
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
    ...(o.linked ? { mode: 'linked' as const } : {}),
    ...(o.count !== undefined ? { count: parseCount(o.count, '--count') } : {}),
    ...(placed
      ? {
          placement: {
            ...(o.host !== undefined ? { hostId: (await resolveHost(ctx, o.host)).id } : {}),
            ...(o.pool !== undefined ? { pool: o.pool } : {}),
            ...(o.strategy !== undefined ? { strategy: o.strategy as 'spread' } : {}),
          },
        }
      : {}),
  };
  const { taskIds } = await ctx.client.call('vms.clone', request);
  const tasks = await followTasks(ctx, taskIds, new ProgressView());
  if (ctx.json) console.log(JSON.stringify(tasks.length === 1 ? tasks[0] : tasks, null, 2));
  const failed = tasks.filter((t) => t.state !== 'succeeded');
  for (const t of failed) console.error(`qhci: ${t.title}: ${outcomeText(t, new Map())}`);
  if (!ctx.json) {
    const hosts = new Map((await ctx.client.call('hosts.list', {})).map((h) => [h.id, h.name]));
    for (const t of tasks.filter((x) => x.state === 'succeeded')) {
      console.log(clonedText(vm.name, vm.hostId, hosts, t));
    }
  }
  return failed.length ? 1 : 0;
}

/** "Cloned web-01 as web-02 (linked) (shut off)", with " on HOST" when it went to another host. */
function clonedText(
  source: string,
  sourceHost: string | null,
  hosts: ReadonlyMap<string, string>,
  t: Task,
): string {
  const r = (t.result ?? {}) as { name?: string; mode?: string; hostId?: string };
  const where = r.hostId && r.hostId !== sourceHost ? ` on ${hosts.get(r.hostId) ?? r.hostId}` : '';
  return `Cloned ${source} as ${r.name ?? '?'}${r.mode === 'linked' ? ' (linked)' : ''}${where} (shut off)`;
}
