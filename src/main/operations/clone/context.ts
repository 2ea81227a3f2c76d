/**
 * What the clone's steps share: their dependencies, the request, the plan the check step makes from the
 * source's XML, and the undo records (the host's own: inventory entry, volume, domain; plus a file or
 * directory copied on the host, removed again).
 */
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors';
import type { VmCloneInput } from '../../../shared/domain/clone';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import type { AppEvents } from '../../services/events';
import type { HostsService } from '../../services/hosts';
import type { Engine, Undoer } from '../../tasks/engine';
import type { CloneFacts } from '../../virt/clone-xml';
import type { HostOps } from '../host-ops';
import { describeHostUndo, HostUndo, hostUndoer } from '../host-undo';
import type { VmOnHost } from '../snapshots/context';

export interface CloneDeps {
  readonly vms: VmsRepo;
  readonly hostInventory: HostInventoryRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
  readonly engine: Engine;
}

/** A writable disk of the source and the volume it is copied into. */
export interface DiskCopy {
  readonly target: string;
  readonly source: string;
  /** The source's declared format (raw or qcow2): qemu-img is told it, never left to probe. */
  readonly format: string;
  readonly pool: string;
  readonly volume: string;
  readonly virtualBytes: number;
  /** What `qemu-img measure` says the qcow2 copy needs. */
  readonly requiredBytes: number;
  path: string | null;
}

/** Where the clone goes: today the source's host and pools; a destination and a count are later fields. */
export interface ClonePlan {
  readonly vmId: string;
  readonly uuid: string;
  readonly hostId: string;
  readonly xml: string;
  readonly facts: CloneFacts;
  readonly disks: DiskCopy[];
  /** The pool of the fresh seed (the first copied disk's). */
  readonly pool: string;
  readonly nvram: string | null;
  /** The source's TPM state directory, when it has one. */
  readonly tpmFrom: string | null;
}

export interface CloneCtx {
  readonly source: VmOnHost;
  readonly input: VmCloneInput;
  plan: ClonePlan | null;
  seedPath: string | null;
}

export function planOf(ctx: CloneCtx): ClonePlan {
  if (!ctx.plan) throw new Error('The clone is not planned yet');
  return ctx.plan;
}

const Text = z.string().min(1);
const PathUndo = z.strictObject({ type: z.literal('path'), hostId: Text, path: z.string().startsWith('/') });
export const CloneUndo = z.union([HostUndo, PathUndo]);
export type CloneUndo = z.infer<typeof CloneUndo>;

/** A file or directory QHCI copied on the host, removed again (absent counts as done). */
async function removePath(ops: HostOps, path: string): Promise<void> {
  const r = await ops.driver.exec(['rm', '-rf', '--', path]);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `Cannot remove ${path}: ${r.stderr.trim()}`);
}

export function cloneUndoer(deps: CloneDeps): Undoer<CloneUndo> {
  const host = hostUndoer(deps);
  return {
    parse: (raw) => {
      const r = CloneUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe: (r) => (r.type === 'path' ? `copy ${r.path}` : describeHostUndo(r)),
    async undo(r) {
      if (r.type === 'path') return removePath(await deps.opsFor(r.hostId), r.path);
      return host.undo(r);
    },
  };
}

/** Runs a command on the host; its failure is a HOST_ERROR that names it. */
export async function onHost(
  ops: HostOps,
  argv: readonly string[],
  what: string,
  timeoutMs = 60_000,
): Promise<string> {
  const r = await ops.driver.exec(argv, { timeoutMs });
  if (r.code !== 0) throw new AppError('HOST_ERROR', `${what}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}
