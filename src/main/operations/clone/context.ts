/**
 * What the clone's steps share: their dependencies, one clone of the request (its name, mode and where it
 * goes), the plan the check step makes from the source's XML, and the undo records (the host's own:
 * inventory entry, volume, domain; plus a file or directory copied on a host, removed again).
 */
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors';
import type { CloneMode } from '../../../shared/domain/clone';
import type { HostDriver } from '../../hosts/driver';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { HostsRepo } from '../../inventory/hosts.repo';
import type { ImagesRepo } from '../../inventory/images.repo';
import type { TemplateBasesRepo } from '../../inventory/template-bases.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import type { AppEvents } from '../../services/events';
import type { HostsService } from '../../services/hosts';
import type { PlacementService } from '../../services/placement';
import type { CapacityBook } from '../../services/reservations';
import type { Engine, Undoer } from '../../tasks/engine';
import type { CloneFacts } from '../../virt/clone-xml';
import type { SeedIsoBuilt } from '../create/seed';
import type { HostOps } from '../host-ops';
import { describeHostUndo, HostUndo, hostUndoer } from '../host-undo';
import type { VmOnHost } from '../snapshots/context';
import type { SourceDisk } from './plan';

export interface CloneDeps {
  readonly vms: VmsRepo;
  readonly hostInventory: HostInventoryRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
  readonly engine: Engine;
  readonly hosts: HostsRepo;
  readonly imagesRepo: ImagesRepo;
  readonly placement: PlacementService;
  readonly reservations: CapacityBook;
  readonly templateBases: TemplateBasesRepo;
}

/** One clone of a request: decided before its task starts. */
export interface CloneJob {
  /** The clone's inventory id (its lock key when it does not lock the source). */
  readonly vmId: string;
  /** The clone's libvirt UUID (also its seed's instance-id, so the seed can be built before it is planned). */
  readonly uuid: string;
  readonly name: string;
  readonly description?: string;
  readonly mode: CloneMode;
  /** The host the clone goes to: the source's, or where the scheduler placed it. */
  readonly hostId: string;
  /** The pool of each new disk, in the source's disk order; null: each beside its source disk (same host). */
  readonly pools: readonly string[] | null;
  /**
   * The task holds the source's own lock: the last full clone of a request whose source is not a template.
   * Held from the request until that last clone is made (the request's tasks run in order), nothing else
   * touches the source meanwhile. Every other task holds its clone's lock, so clones of a template run at once.
   */
  readonly locksSource: boolean;
  /** The capacity the scheduler booked for it, released when its task ends. */
  readonly ticketId: string | null;
}

/**
 * How a writable disk of the source becomes the clone's: copied on the host (`qemu-img convert`), copied to
 * another host (flattened there, sent through the workstation, checksum-verified), or a qcow2 overlay on the
 * template's disk (or on its verified base copy on the clone's host).
 */
export type DiskWay = 'convert' | 'transfer' | 'overlay';

/** A template's base on the clone's host: a copy to make (path null) or one made before. */
export interface BaseCopy {
  readonly pool: string;
  readonly volume: string;
  path: string | null;
}

/** A writable disk of the source and the volume it becomes. */
export interface DiskCopy {
  readonly target: string;
  /** The source disk's file on the source's host. */
  readonly source: string;
  /** The source's declared format (raw or qcow2): qemu-img is told it, never left to probe. */
  readonly format: string;
  /** The source disk's pool on the source's host (where a flattened copy is made for a transfer). */
  readonly sourcePool: string | null;
  readonly way: DiskWay;
  readonly pool: string;
  readonly volume: string;
  readonly virtualBytes: number;
  /** What the new volume needs in its pool (an overlay: little; a copy: `qemu-img measure`). */
  readonly requiredBytes: number;
  /** An overlay on another host stands on this base copy. */
  readonly base: BaseCopy | null;
  path: string | null;
}

export interface ClonePlan {
  readonly vmId: string;
  readonly uuid: string;
  /** The clone's host. */
  readonly hostId: string;
  readonly xml: string;
  readonly facts: CloneFacts;
  readonly disks: DiskCopy[];
  /** The pool of the fresh seed (the first new disk's). */
  readonly pool: string;
  readonly nvram: string | null;
  /** The source's TPM state directory, when it has one. */
  readonly tpmFrom: string | null;
  /** CD-ROMs (targets) whose medium the clone's host lacks: left empty there. */
  readonly eject: readonly string[];
}

export interface CloneCtx {
  readonly source: VmOnHost;
  readonly job: CloneJob;
  /**
   * What the request read of the source: its XML and disks, reused under the lock while its XML is the same
   * (a shut-off source's disks do not change; a template's never do).
   */
  readonly known: { readonly xml: string; readonly disks: readonly SourceDisk[] } | null;
  plan: ClonePlan | null;
  seedPath: string | null;
  /** The clone's seed ISO, built while the check and the disks run (files.ts startSeed); null until then. */
  seedIso: SeedBuild | null;
  /** The clone's new MACs, chosen once (define.ts). */
  macs: readonly string[] | null;
  /** Its XML written on an SSH host ahead of the define, the new files' paths foreseen (define.ts). */
  defineFile: StagedDefine | null;
}

/** The clone's XML as it was written on the host ahead of its define; `path` fails when it could not be. */
export interface StagedDefine {
  readonly xml: string;
  readonly path: Promise<string>;
  readonly ops: HostOps;
}

/** A seed ISO ready to upload: its bytes, or its file on the host; its size when known without asking the host. */
export interface SeedReady {
  readonly iso: SeedIsoBuilt;
  readonly size: number | null;
}

/** A seed ISO being built for the clone's host (on the workstation, or on the host where it has no tool). */
export interface SeedBuild {
  readonly built: Promise<SeedReady>;
  readonly driver: HostDriver;
  /** The seed step took it (and removes what was built on the host); else the task's end does. */
  taken: boolean;
}

export function planOf(ctx: CloneCtx): ClonePlan {
  if (!ctx.plan) throw new Error('The clone is not planned yet');
  return ctx.plan;
}

/** The clone goes to another host than its source's. */
export const crossHost = (ctx: CloneCtx): boolean => ctx.job.hostId !== ctx.source.hostId;

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
