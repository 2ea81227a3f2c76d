import { AppError } from '../../shared/domain/errors';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../shared/domain/vm';
import { print, table, type Ctx } from '../context';
import { findHost } from './hosts';

export const VM_USAGE = `Virtual machines
  vm list [--host NAME]
  vm start|shutdown|destroy|reboot|suspend|resume NAME [--host NAME]
                                         (stop is shutdown; force-off is destroy)`;

const ALIASES: Record<string, PowerActionName> = {
  stop: 'shutdown',
  'force-off': 'destroy',
  poweroff: 'destroy',
};

async function findVm(ctx: Ctx, name: string, hostName?: string): Promise<VmSummary> {
  const hostId = hostName ? (await findHost(ctx, hostName)).id : undefined;
  const vms = (await ctx.client.call('vms.list', { projectId: ctx.projectId })).filter(
    (v) => v.name === name && (hostId === undefined || v.hostId === hostId),
  );
  if (vms.length === 0)
    throw new AppError('NOT_FOUND', `No VM named "${name}"${hostName ? ` on ${hostName}` : ''}`);
  if (vms.length > 1)
    throw new AppError('VALIDATION', `${vms.length} VMs are named "${name}"; say which host with --host`);
  return vms[0]!;
}

export async function vmCommand(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<void> {
  const [verb, a] = args;
  const hostName = typeof opts.host === 'string' ? opts.host : undefined;
  if (verb === 'list') {
    const [vms, hosts] = await Promise.all([
      ctx.client.call('vms.list', { projectId: ctx.projectId }),
      ctx.client.call('hosts.list', { projectId: ctx.projectId }),
    ]);
    const hostNames = new Map(hosts.map((h) => [h.id, h.name]));
    const filtered = hostName
      ? vms.filter((v) => hostNames.get(v.hostId ?? '')?.toLowerCase() === hostName.toLowerCase())
      : vms;
    return print(ctx, filtered, () =>
      filtered.length
        ? table(
            ['NAME', 'STATE', 'HOST'],
            filtered.map((v) => [v.name, v.state, hostNames.get(v.hostId ?? '') ?? '-']),
          )
        : 'No VMs',
    );
  }
  const action = verb ? (ALIASES[verb] ?? verb) : '';
  if ((POWER_ACTIONS as readonly string[]).includes(action) && a) {
    const vm = await findVm(ctx, a, hostName);
    const r = await ctx.client.call('vms.power', { vmId: vm.id, action: action as PowerActionName });
    return print(ctx, r, () => `${vm.name}: ${r.state}`);
  }
  throw new AppError('VALIDATION', `Unknown vm command.\n\n${VM_USAGE}`);
}
