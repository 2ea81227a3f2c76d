/**
 * What the migration operation shares: its dependencies, the task's context, and its undo records (a file
 * made on the destination, a definition made there by a cold migration). An undo never touches what the
 * destination runs: once the VM is defined there, the migration happened, and its files are the VM's.
 */
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors';
import type { HostSummary } from '../../../shared/domain/host';
import type { VmMigrateInput } from '../../../shared/domain/migration';
import type { PlacementOutcome, PlacementRequest } from '../../../shared/domain/placement';
import type { SavedVmRow, VmMoveRepo } from '../../inventory/vm-move.repo';
import type { Undoer } from '../../tasks/engine';
import type { PreflightResult } from '../../virt/migration/preflight';
import type { HostOps } from '../host-ops';
import type { SnapshotDeps, VmOnHost } from '../snapshots/context';
import type { ReadFacts } from './facts';

export interface MigrateDeps extends SnapshotDeps {
  readonly vmMove: VmMoveRepo;
  readonly hosts: { get(id: string): HostSummary | undefined };
  /** The scheduler's dry run for the VM's project. */
  readonly placement: { dryRun(projectRef: string, request: PlacementRequest): PlacementOutcome };
}

export function hostOf(deps: MigrateDeps, hostId: string): HostSummary {
  const h = deps.hosts.get(hostId);
  if (!h) throw new AppError('NOT_FOUND', 'The host does not exist', 'toHostId');
  return h;
}

export interface MigrateCtx {
  readonly vm: VmOnHost;
  readonly input: VmMigrateInput;
  readonly destId: string;
  facts?: ReadFacts;
  preflight?: PreflightResult;
  saved?: SavedVmRow;
  /** The VM runs (live) or is defined (cold) on the destination. */
  moved: boolean;
}

const Text = z.string().min(1);
export const MigrateUndo = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('dest-file'),
    hostId: Text,
    sourceHostId: Text,
    uuid: Text,
    path: z.string().startsWith('/'),
    /** A base or ISO: other VMs' files may come to stand on it, and keep it. */
    shared: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('dest-domain'), hostId: Text, sourceHostId: Text, uuid: Text }),
]);
export type MigrateUndo = z.infer<typeof MigrateUndo>;

/** Whether another file in the same directory has `path` as its backing file. */
async function standsOn(ops: HostOps, path: string): Promise<boolean> {
  const script =
    'd=$(dirname -- "$0"); for f in "$d"/*; do [ "$f" = "$0" ] && continue; ' +
    'qemu-img info -U --output=json -- "$f" 2>/dev/null | grep -qF "\\"backing-filename\\": \\"$0\\"" && exit 0; done; exit 1';
  const r = await ops.driver.exec(['sh', '-c', script, path]);
  return r.code === 0;
}

/** How long an undo waits for a destination that is still tearing down a failed incoming migration. */
const INCOMING_WAIT_MS = 30_000;

/**
 * Whether the VM moved: libvirt undefines it on the source only once the destination runs it (live), and a
 * cold migration undefines it there as its point of no return. While the source still has it, the
 * destination's copy is an incoming migration that failed (libvirt tears it down: wait for that) or
 * something else with its UUID.
 */
async function moved(src: HostOps, dest: HostOps, uuid: string): Promise<boolean> {
  if ((await src.domainState(uuid)) === null) return true;
  const until = Date.now() + INCOMING_WAIT_MS;
  for (;;) {
    const state = await dest.domainState(uuid);
    if (state === null || state === 'shut off') return false;
    if (state === 'running' || Date.now() > until) return state === 'running';
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function migrateUndoer(deps: MigrateDeps): Undoer<MigrateUndo> {
  return {
    parse: (raw) => {
      const r = MigrateUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe: (r) =>
      r.type === 'dest-file' ? `${r.path} on the destination` : 'the definition on the destination',
    async undo(r) {
      const ops = await deps.opsFor(r.hostId);
      if (r.type === 'dest-file') {
        if (await moved(await deps.opsFor(r.sourceHostId), ops, r.uuid)) return; // the file is the VM's now
        if (r.shared && (await standsOn(ops, r.path))) return; // another VM's disk uses it now
        const how = await ops.deleteVolumeAt(r.path).catch(() => 'absent' as const);
        if (how === 'absent') await ops.removeFile(r.path);
        return;
      }
      // A cold migration defined the VM on the destination: undone while the source still defines it.
      const src = await deps.opsFor(r.sourceHostId);
      if ((await src.domainState(r.uuid)) === null) return;
      if ((await ops.domainState(r.uuid)) === 'shut off') {
        await ops.driver.virsh(['undefine', '--domain', r.uuid, '--keep-nvram']).catch(async () => {
          await ops.driver.virsh(['undefine', '--domain', r.uuid]);
        });
      }
    },
  };
}
