/**
 * The undo records of operations that make things on a host: an inventory entry, a volume, a domain. Each is
 * written before the thing is made, so a failure or a crash removes it again; removing what is not there is
 * not an error (the crash may have come before the action).
 */
import { z } from 'zod';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from '../services/events';
import type { Undoer } from '../tasks/engine';
import type { HostOps } from './host-ops';

const Text = z.string().min(1);

export const HostUndo = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('vm'), vmId: Text, name: Text }),
  z.strictObject({ type: z.literal('volume'), hostId: Text, pool: Text, name: Text }),
  z.strictObject({ type: z.literal('domain'), hostId: Text, uuid: Text, name: Text }),
]);
export type HostUndo = z.infer<typeof HostUndo>;

export interface HostUndoDeps {
  readonly vms: VmsRepo;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
}

export function describeHostUndo(r: HostUndo): string {
  switch (r.type) {
    case 'vm':
      return `inventory entry of VM ${r.name}`;
    case 'volume':
      return `volume ${r.pool}/${r.name}`;
    case 'domain':
      return `domain ${r.name}`;
  }
}

export function hostUndoer(deps: HostUndoDeps): Undoer<HostUndo> {
  return {
    parse: (raw) => {
      const r = HostUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe: describeHostUndo,
    async undo(r) {
      switch (r.type) {
        case 'vm': {
          const vm = deps.vms.get(r.vmId);
          if (vm && deps.vms.remove(r.vmId)) {
            deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
          }
          return;
        }
        case 'volume':
          await (await deps.opsFor(r.hostId)).deleteVolume(r.pool, r.name);
          return;
        case 'domain':
          await (await deps.opsFor(r.hostId)).removeDomain(r.uuid);
          return;
      }
    },
  };
}
