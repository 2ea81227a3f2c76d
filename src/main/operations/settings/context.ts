/**
 * What the settings operation's steps share: the request and the plan made under the lock, and the undo
 * records (a volume it created, the previous definition, a live action's inverse, the previous autostart,
 * the inventory's previous labels and description). Each is written before its action; undoing what is not
 * there is not an error.
 */
import { z } from 'zod';
import type { VmSettingsInput } from '../../../shared/domain/vm-settings';
import type { VmsRepo } from '../../inventory/vms.repo';
import type { AppEvents } from '../../services/events';
import type { Undoer } from '../../tasks/engine';
import { liveActionArgs, type LiveAction } from '../../virt/settings-xml';
import type { HostOps } from '../host-ops';
import type { VmOnHost } from '../snapshots/context';
import type { PlannedSettings } from './preview';

export interface SettingsCtx {
  readonly vm: VmOnHost;
  readonly input: VmSettingsInput;
  /** The task's id, for the capacity booked under it. */
  readonly taskId: string;
  /** The plan made by the check step, under the lock. */
  planned: PlannedSettings | null;
  /** The capacity booked for the growth, released when the task ends. */
  release: (() => void) | null;
  /** Device detaches the guest has not completed yet ("disk vdb", "NIC 52:54:…"). */
  pending: string[];
  /** Live changes the running VM refused that come at its next boot instead, with why. */
  deferred: string[];
  /** The files of detached disks the running VM still holds: their volumes are not deleted. */
  held: string[];
  /** Volumes (pool/name) deleted, and those left with why. */
  deleted: string[];
  left: string[];
}

const Text = z.string().min(1);
const Device = z
  .string()
  .min(1)
  .max(64 * 1024);

/** A live action, as an undo record stores it (the inverse of what was done). */
export const LiveActionRecord = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('setvcpus'), count: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('setmem'), kib: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('attach-device'), xml: Device }),
  z.strictObject({ kind: z.literal('detach-device'), xml: Device }),
  z.strictObject({ kind: z.literal('update-device'), xml: Device }),
  z.strictObject({
    kind: z.literal('change-media'),
    target: Text,
    path: z.string().startsWith('/').nullable(),
    insert: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('description'), text: z.string().max(4096) }),
]);
export type LiveInverse = z.infer<typeof LiveActionRecord>;

export const SettingsUndo = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('volume'), hostId: Text, pool: Text, name: Text }),
  z.strictObject({ type: z.literal('define'), hostId: Text, uuid: Text, name: Text, xml: Text }),
  z.strictObject({ type: z.literal('live'), hostId: Text, uuid: Text, action: LiveActionRecord }),
  z.strictObject({ type: z.literal('autostart'), hostId: Text, uuid: Text, enabled: z.boolean() }),
  z.strictObject({
    type: z.literal('record'),
    vmId: Text,
    labels: z.record(z.string(), z.string()),
    description: z.string(),
  }),
]);
export type SettingsUndo = z.infer<typeof SettingsUndo>;

export interface SettingsUndoDeps {
  readonly vms: VmsRepo;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
}

/** Runs one live action on the VM; a device's XML goes to the host as a private file first. */
export async function runLive(ops: HostOps, uuid: string, action: LiveAction): Promise<void> {
  if (action.kind === 'attach-device' || action.kind === 'detach-device' || action.kind === 'update-device') {
    await ops.withHostFile(action.xml, (file) =>
      ops.driver.virsh(liveActionArgs(uuid, action, file), { timeoutMs: 60_000 }),
    );
    return;
  }
  await ops.driver.virsh(liveActionArgs(uuid, action), { timeoutMs: 60_000 });
}

/** libvirt saying there is nothing to undo: the device, the domain or the running VM is not there. */
const NOTHING_THERE =
  /not found|no target device|no device|does not exist|matching|not running|no domain with|is not attached/i;

function describe(r: SettingsUndo): string {
  switch (r.type) {
    case 'volume':
      return `volume ${r.pool}/${r.name}`;
    case 'define':
      return `the previous definition of VM ${r.name}`;
    case 'live':
      return `the running VM's ${r.action.kind} as it was`;
    case 'autostart':
      return `autostart ${r.enabled ? 'on' : 'off'} again`;
    case 'record':
      return 'the labels and description in the inventory';
  }
}

export function settingsUndoer(deps: SettingsUndoDeps): Undoer<SettingsUndo> {
  return {
    parse: (raw) => {
      const r = SettingsUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe,
    async undo(r) {
      if (r.type === 'record') {
        const vm = deps.vms.get(r.vmId);
        if (!vm) return false;
        deps.vms.setSettings(r.vmId, { labels: r.labels, description: r.description });
        deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
        return true;
      }
      const ops = await deps.opsFor(r.hostId);
      switch (r.type) {
        case 'volume':
          return (await ops.deleteVolume(r.pool, r.name)) === 'deleted';
        case 'define':
          await ops.defineInSession(r.xml);
          return true;
        case 'autostart':
          await ops.driver.virsh(['autostart', '--domain', r.uuid, ...(r.enabled ? [] : ['--disable'])]);
          return true;
        case 'live':
          try {
            await runLive(ops, r.uuid, r.action);
            return true;
          } catch (err) {
            if (NOTHING_THERE.test((err as Error).message)) return false;
            throw err;
          }
      }
    },
  };
}
