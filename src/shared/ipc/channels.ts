/**
 * Channel and event names only, with no schema library, so the sandboxed preload can
 * import them cheaply. contract.ts checks at compile time that both lists match it exactly.
 */
export const CHANNELS = [
  'app.info',
  'projects.list',
  'projects.create',
  'folders.tree',
  'folders.get',
  'folders.create',
  'folders.rename',
  'folders.move',
  'folders.delete',
  'hosts.list',
  'hosts.get',
  'hosts.probe',
  'hosts.test',
  'hosts.add',
  'hosts.update',
  'hosts.remove',
  'hosts.sync',
  'hosts.connect',
  'hosts.suggestLocal',
  'hosts.forgetKey',
  'hosts.maintenancePlan',
  'hosts.enterMaintenance',
  'hosts.exitMaintenance',
  'scheduler.place',
  'vms.list',
  'vms.moveToFolder',
  'vms.power',
  'vms.fixCpu',
  'vms.guest',
  'vms.get',
  'vms.create',
  'vms.preview',
  'vms.delete',
  'vms.clone',
  'vms.convertToTemplate',
  'vms.detach',
  'vms.migratePreflight',
  'vms.migrate',
  'vms.settingsPlan',
  'vms.updateSettings',
  'vms.screenshot',
  'snapshots.list',
  'snapshots.plan',
  'snapshots.create',
  'snapshots.revert',
  'snapshots.delete',
  'consoles.open',
  'consoles.resize',
  'consoles.close',
  'tasks.list',
  'tasks.get',
  'images.list',
  'images.upload',
  'images.delete',
  'files.pick',
  'settings.get',
  'settings.update',
  'specs.list',
  'specs.get',
  'specs.create',
  'specs.update',
  'specs.delete',
  'specs.duplicate',
  'usage.watch',
  'usage.unwatch',
  'usage.history',
] as const;

export const EVENTS = ['inventory.changed', 'vm.state', 'task.progress', 'usage.sample'] as const;

/** The Electron IPC channel names that carry every call and every push event. */
export const IPC_INVOKE = 'qhci:invoke';
export const IPC_EVENT = 'qhci:event';

export type ChannelName = (typeof CHANNELS)[number];
export type EventName = (typeof EVENTS)[number];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value);
}
