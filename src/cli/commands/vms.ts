import { AppError } from '../../shared/domain/errors';
import {
  POWER_ACTIONS,
  type PowerActionName,
  type VmDetail,
  type VmGuestStatus,
} from '../../shared/domain/vm';
import { fmtBytes } from '../args';
import { print, table, type Ctx } from '../context';
import type { Opts } from '../options';
import { folderPaths, resolveVm } from '../resolve';
import { CLONE_USAGE, vmClone } from './clone';
import { CONSOLE_USAGE, vmConsole, vmScreenshot } from './console';
import { CREATE_USAGE, vmCreate } from './create';
import { MIGRATE_USAGE, vmMigrate } from './migrate';
import { SET_USAGE, vmSet } from './set';
import { SNAPSHOT_USAGE, snapshotCommand } from './snapshots';
import { TEMPLATE_USAGE, vmDetach, vmTemplate } from './template';

export const VM_USAGE = `Virtual machines
  vm list [--host NAME]                  name, host, state, vCPUs, memory, folder
  vm show NAME|ID [--host NAME]          the VM, its devices and how it was created
${CREATE_USAGE}
  vm start NAME|ID [--host NAME]
  vm stop NAME|ID [--force] [--host NAME]
                                         a clean shutdown; --force powers off at once (destroy)
  vm reboot|suspend|resume NAME|ID [--host NAME]    (shutdown and destroy work as verbs too)
  vm fix-cpu NAME|ID [--host NAME]      a VM its host refused to start for its CPU: redefine it with a
                                         compatible CPU mode (the original is kept if none starts), start it
  vm delete NAME|ID [--keep-disks] [--host NAME]
                                         stops and undefines it and deletes its own volumes
${SET_USAGE}
${CLONE_USAGE}
${TEMPLATE_USAGE}
${MIGRATE_USAGE}
${SNAPSHOT_USAGE}
${CONSOLE_USAGE}`;

const ALIASES: Record<string, PowerActionName> = {
  'force-off': 'destroy',
  poweroff: 'destroy',
};

/** "agent, 192.168.122.31" / "DHCP lease 192.168.122.31" / "no sign of life yet (no agent, no lease)". */
function guestText(state: string, g: VmGuestStatus | null): string {
  if (state !== 'running') return 'not running';
  if (g === null) return '- (the host did not answer)';
  if (g.source === 'agent') return `agent, ${g.addresses.join(', ')}`;
  if (g.source === 'lease')
    return `DHCP lease ${g.addresses.join(', ')}${g.agent ? ', agent' : ', no agent'}`;
  return g.agent ? 'agent, no address yet' : 'no sign of life yet (no agent, no DHCP lease)';
}

/** "template" / "linked clone of base" / "clone of web" / nothing: where the VM stands among templates. */
function lineageText(vm: VmDetail, parent: string | null): string[] {
  if (vm.template) return ['  kind:        template (never started; linked clones stand on its disks)'];
  if (vm.parentId === null) return [];
  const of = parent ?? `${vm.parentId} (gone)`;
  return [`  kind:        ${vm.linked ? `linked clone of ${of}` : `clone of ${of}`}`];
}

function showText(
  vm: VmDetail,
  host: string,
  folder: string,
  guest: VmGuestStatus | null,
  parent: string | null,
): string {
  const d = vm.details;
  return [
    `${vm.name}  (${vm.state})`,
    ...lineageText(vm, parent),
    `  id:          ${vm.id}`,
    `  uuid:        ${vm.uuid ?? '-'}`,
    `  host:        ${host}`,
    `  folder:      ${folder}`,
    `  vcpus:       ${vm.vcpus ?? '-'}`,
    `  memory:      ${fmtBytes(vm.memoryBytes)}`,
    `  guest:       ${guestText(vm.state, guest)}`,
    ...(vm.description ? [`  description: ${vm.description}`] : []),
    ...(Object.keys(vm.labels).length
      ? [
          `  labels:      ${Object.entries(vm.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`,
        ]
      : []),
    `  created:     ${vm.createdAt}`,
    ...(d.disks?.length
      ? [
          '',
          table(
            ['DEVICE', 'TARGET', 'BUS', 'FORMAT', 'SOURCE'],
            d.disks.map((x) => [x.device, x.target, x.bus ?? '', x.format ?? '', x.source ?? '']),
          ),
        ]
      : []),
    ...(d.nics?.length
      ? [
          '',
          table(
            ['NIC', 'SOURCE', 'MODEL', 'MAC'],
            d.nics.map((n) => [n.type, n.source ?? '', n.model ?? '', n.mac ?? '']),
          ),
        ]
      : []),
  ].join('\n');
}

export async function vmCommand(ctx: Ctx, args: string[], o: Opts): Promise<number> {
  const [verb, a] = args;
  const c = ctx.client;
  if (verb === 'list') {
    const [vms, hosts, folders] = await Promise.all([
      c.call('vms.list', { projectId: ctx.projectId }),
      c.call('hosts.list', { projectId: ctx.projectId }),
      folderPaths(ctx),
    ]);
    const hostNames = new Map(hosts.map((h) => [h.id, h.name]));
    const filtered = o.host
      ? vms.filter((v) => hostNames.get(v.hostId ?? '')?.toLowerCase() === o.host!.toLowerCase())
      : vms;
    print(ctx, filtered, () =>
      filtered.length
        ? table(
            ['NAME', 'HOST', 'STATE', 'VCPUS', 'MEMORY', 'FOLDER'],
            filtered.map((v) => [
              v.name,
              hostNames.get(v.hostId ?? '') ?? '-',
              v.template ? 'template' : v.linked ? `${v.state} (linked)` : v.state,
              v.vcpus === null ? '-' : String(v.vcpus),
              fmtBytes(v.memoryBytes),
              v.folderId ? (folders.get(v.folderId) ?? '-') : '-',
            ]),
          )
        : 'No VMs',
    );
    return 0;
  }
  if (verb === 'create') return vmCreate(ctx, a, o);
  if (verb === 'clone') return vmClone(ctx, args.slice(1), o);
  if (verb === 'set') return vmSet(ctx, args.slice(1), o);
  if (verb === 'snapshot') return snapshotCommand(ctx, args.slice(1), o);
  if (verb === 'template') return vmTemplate(ctx, args.slice(1), o);
  if (verb === 'migrate') return vmMigrate(ctx, args.slice(1), o);
  if (verb === 'detach') return vmDetach(ctx, args.slice(1), o);
  if (verb === 'show' && a) {
    const vm = await c.call('vms.get', { id: (await resolveVm(ctx, a, o.host)).id });
    const [hosts, folders] = await Promise.all([
      c.call('hosts.list', { projectId: ctx.projectId }),
      folderPaths(ctx),
    ]);
    const host = hosts.find((h) => h.id === vm.hostId)?.name ?? '-';
    // Read from the host only for a running VM, and never fatal to `show`: an unreachable host prints "-".
    const guest =
      vm.state === 'running' ? await c.call('vms.guest', { vmId: vm.id }).catch(() => null) : null;
    const parent = vm.parentId
      ? await c.call('vms.get', { id: vm.parentId }).then(
          (p) => p.name,
          () => null,
        )
      : null;
    print(ctx, guest ? { ...vm, guest } : vm, () =>
      showText(vm, host, vm.folderId ? (folders.get(vm.folderId) ?? '-') : '-', guest, parent),
    );
    return 0;
  }
  if (verb === 'console' && a) return vmConsole(ctx, await resolveVm(ctx, a, o.host));
  if (verb === 'screenshot' && a && args[2]) {
    return vmScreenshot(ctx, await resolveVm(ctx, a, o.host), args[2]);
  }
  if (verb === 'fix-cpu' && a) {
    const vm = await resolveVm(ctx, a, o.host);
    const r = await c.call('vms.fixCpu', { vmId: vm.id });
    print(ctx, r, () => `${vm.name}: ${r.state}. ${r.detail}`);
    return 0;
  }
  if (verb === 'delete' && a) {
    const vm = await resolveVm(ctx, a, o.host);
    // The inventory is updated by the deletion itself (its pools are re-read before the process exits).
    const r = await c.call('vms.delete', { vmId: vm.id, deleteDisks: !o['keep-disks'] });
    print(ctx, r, () => `Deleted ${vm.name}${o['keep-disks'] ? ' (its disks are kept)' : ''}`);
    return 0;
  }
  const action = verb === 'stop' ? (o.force ? 'destroy' : 'shutdown') : verb ? (ALIASES[verb] ?? verb) : '';
  if ((POWER_ACTIONS as readonly string[]).includes(action) && a) {
    const vm = await resolveVm(ctx, a, o.host);
    const r = await c.call('vms.power', { vmId: vm.id, action: action as PowerActionName });
    print(ctx, r, () => `${vm.name}: ${r.state}`);
    return 0;
  }
  throw new AppError('VALIDATION', `Unknown vm command.\n\n${VM_USAGE}`);
}
