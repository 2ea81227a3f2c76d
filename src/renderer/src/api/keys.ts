/**
 * Query keys: `[entity, channel, input]`. The entity comes first so that an `inventory.changed` event
 * invalidates exactly that entity's queries with one prefix match.
 */
import type { InventoryEntity } from '../../../shared/ipc/contract';
import type { Channel, ChannelInput } from '../../../shared/ipc/contract';

export type QueryEntity = InventoryEntity | 'app';

/** Every channel's prefix must be listed: a new area of the contract fails the typecheck until it is. */
type ChannelPrefix = Channel extends `${infer P}.${string}` ? P : never;

const ENTITY_BY_PREFIX: Record<ChannelPrefix, QueryEntity> = {
  app: 'app',
  projects: 'projects',
  folders: 'folders',
  vms: 'vms',
  specs: 'specs',
  hosts: 'hosts',
  tasks: 'tasks',
  images: 'images',
  settings: 'app',
  files: 'app',
  // A placement dry run reads hosts and their VMs; host syncs announce both.
  scheduler: 'hosts',
  // Consoles are opened and closed, never cached as queries: no inventory event names them.
  consoles: 'app',
  // Snapshot changes announce the VM's entity (inventory.changed 'vms').
  snapshots: 'vms',
  // Usage history is fed by usage.sample, not by inventory events.
  usage: 'app',
};

export function entityOf(channel: Channel): QueryEntity {
  const prefix = channel.slice(0, channel.indexOf('.'));
  const entity = ENTITY_BY_PREFIX[prefix as ChannelPrefix];
  if (entity === undefined) throw new Error(`No query entity for channel ${channel}`);
  return entity;
}

export const queryKeys = {
  /** Every query of one entity (what an `inventory.changed` event invalidates). */
  entity: (entity: QueryEntity) => [entity] as const,
  call: <C extends Channel>(channel: C, input: ChannelInput<C>) =>
    [entityOf(channel), channel, input] as const,
};
