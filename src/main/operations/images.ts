/**
 * Images as operations: uploading a workstation file or another host's image into a pool (check → upload →
 * record; the new volume is the undo record), and deleting one (check → delete → record; refused while
 * overlays stand on it or a VM has it attached). One operation per volume at a time, across processes.
 */
import { z } from 'zod';
import { AppError } from '../../shared/domain/errors';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { HostInventoryRepo } from '../inventory/host-inventory.repo';
import type { ImagesRepo, StoredImage } from '../inventory/images.repo';
import type { AppEvents } from '../services/events';
import type { HostsService } from '../services/hosts';
import type { ProjectsService } from '../services/projects';
import { outcomeError, type Engine, type OperationDef, type Undoer } from '../tasks/engine';
import { copyImage } from './copy-image';
import type { HostOps } from './host-ops';
import { type HostUndo, hostUndoer, type HostUndoDeps } from './host-undo';

export interface ImageOpsDeps extends HostUndoDeps {
  readonly projects: ProjectsService;
  readonly hosts: HostsRepo;
  readonly hostInventory: HostInventoryRepo;
  readonly imagesRepo: ImagesRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  readonly engine: Engine;
}

export interface UploadInput {
  readonly projectId?: string;
  readonly hostId: string;
  readonly pool: string;
  readonly sourcePath?: string;
  readonly sourceImageId?: string;
  readonly name?: string;
}

interface UploadCtx {
  readonly projectId: string;
  readonly hostId: string;
  readonly pool: string;
  readonly source: StoredImage;
  ops: HostOps | null;
}

/** What deleting an image leaves to finish after a crash: the host's inventory read again. */
const Resync = z.strictObject({ type: z.literal('resync'), hostId: z.string().min(1) });
type ImageUndo = HostUndo | z.infer<typeof Resync>;

function imageUndoer(deps: ImageOpsDeps): Undoer<ImageUndo> {
  const host = hostUndoer(deps);
  return {
    parse: (raw) => host.parse(raw) ?? (Resync.safeParse(raw).data as ImageUndo | undefined),
    describe: (r) => (r.type === 'resync' ? `the inventory of the host` : host.describe(r)),
    async undo(r) {
      if (r.type !== 'resync') return host.undo(r);
      await deps.hostsService.sync(r.hostId);
      return false;
    },
  };
}

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$/;

/** The upload's source: an image the inventory knows, or a workstation file (a regular file, checked later). */
function uploadSource(deps: ImageOpsDeps, input: UploadInput, projectId: string): StoredImage {
  if (input.sourceImageId !== undefined) {
    const img = deps.imagesRepo.get(input.sourceImageId);
    if (!img || (img.hostId !== null && deps.hosts.get(img.hostId)?.projectId !== projectId)) {
      throw new AppError('NOT_FOUND', 'The source image does not exist', 'sourceImageId');
    }
    const name = input.name ?? img.name;
    // A name found on a host may start with "-" (virsh could take it for an option): never a new one.
    if (name.startsWith('-')) {
      throw new AppError('VALIDATION', `Volume name "${name}" may not start with "-": give another`, 'name');
    }
    return { ...img, name };
  }
  const path = input.sourcePath!;
  if (!path.startsWith('/')) throw new AppError('VALIDATION', 'Give an absolute path', 'sourcePath');
  const name = input.name ?? path.slice(path.lastIndexOf('/') + 1);
  if (!VOLUME_NAME.test(name)) {
    throw new AppError('VALIDATION', `"${name}" is not a valid volume name: give one`, 'name');
  }
  const kind = name.endsWith('.iso') ? 'iso' : 'cloud-image';
  const unknown = { format: null, virtualBytes: null, allocationBytes: null, backingPath: null };
  const nowhere = { id: '', hostId: null, hostName: null, pool: null, poolPath: null, poolType: null };
  return { ...nowhere, ...unknown, name, path, kind, usedBy: 0, attached: false };
}

function uploadOperation(
  deps: ImageOpsDeps,
  undo: Undoer<ImageUndo>,
): OperationDef<'image.upload', UploadCtx, ImageUndo> {
  return {
    kind: 'image.upload',
    undo,
    steps: [
      {
        name: 'check',
        async run(ctx, step) {
          ctx.ops = await deps.opsFor(ctx.hostId);
          if (await ctx.ops.volumeExists(ctx.pool, ctx.source.name)) {
            throw new AppError(
              'CONFLICT',
              `Pool ${ctx.pool} already has a volume ${ctx.source.name}`,
              'name',
            );
          }
          step.done(`From ${ctx.source.hostName ?? 'the workstation'}`);
        },
      },
      {
        name: 'upload',
        run: async (ctx, step) => {
          const { hostId, pool, source } = ctx;
          const to = { ops: ctx.ops!, hostId, pool };
          const undo: ImageUndo = { type: 'volume', hostId, pool, name: source.name };
          await copyImage(deps, { ...source, virtualBytes: -1 }, to, step, undo);
        },
      },
      {
        name: 'record',
        async run(ctx) {
          await deps.hostsService.sync(ctx.hostId).catch(() => undefined);
          deps.events.emit('inventory.changed', { entity: 'images', projectId: ctx.projectId });
        },
      },
    ],
    result: (ctx) => ({ hostId: ctx.hostId, pool: ctx.pool, name: ctx.source.name }),
    interruptedMessage:
      'Interrupted: the app stopped while this image was copied; the partial copy was removed',
  };
}

interface DeleteCtx {
  readonly image: StoredImage & { hostId: string; pool: string };
  readonly projectId: string;
}

/** Why the image may not be deleted now, or null. */
function deleteRefusal(deps: ImageOpsDeps, img: StoredImage & { hostId: string }): AppError | null {
  if (img.usedBy > 0) {
    const users = deps.imagesRepo
      .list(deps.hosts.get(img.hostId)!.projectId, { hostId: img.hostId })
      .filter((v) => v.backingPath === img.path)
      .map((v) => `${v.pool}/${v.name}`);
    return new AppError(
      'CONFLICT',
      `${img.name} is the base image of ${users.length} disk(s) (${users.join(', ')}): delete those first`,
      'id',
    );
  }
  if (img.attached) return new AppError('CONFLICT', `${img.name} is attached to a VM`, 'id');
  return null;
}

function deleteOperation(
  deps: ImageOpsDeps,
  undo: Undoer<ImageUndo>,
): OperationDef<'image.delete', DeleteCtx, ImageUndo> {
  return {
    kind: 'image.delete',
    undo,
    steps: [
      {
        name: 'check',
        async run(ctx) {
          // Read again under the lock: an overlay may have been made on it since the request.
          const now = deps.imagesRepo.get(ctx.image.id);
          const refusal =
            now && now.hostId !== null ? deleteRefusal(deps, { ...now, hostId: now.hostId }) : null;
          if (refusal) throw refusal;
        },
      },
      {
        name: 'delete',
        async run(ctx, step) {
          step.addUndo({ type: 'resync', hostId: ctx.image.hostId });
          const how = await (
            await deps.opsFor(ctx.image.hostId)
          ).deleteVolume(ctx.image.pool, ctx.image.name);
          step.done(how === 'absent' ? 'It was already gone' : `${ctx.image.pool}/${ctx.image.name} deleted`);
        },
      },
      {
        name: 'record',
        async run(ctx, step) {
          await deps.hostsService.sync(ctx.image.hostId).catch(() => undefined);
          deps.events.emit('inventory.changed', { entity: 'images', projectId: ctx.projectId });
          step.done();
        },
      },
    ],
    result: (ctx) => ({ hostId: ctx.image.hostId, pool: ctx.image.pool, name: ctx.image.name }),
    interruptedMessage: 'Interrupted: the app stopped while this image was deleted; the host was read again',
  };
}

const volumeLock = (hostId: string, pool: string, name: string, hostName: string) => ({
  key: `volume:${hostId}/${pool}/${name}`,
  label: `Volume ${pool}/${name} on ${hostName}`,
});

export function createImageOps(deps: ImageOpsDeps) {
  const undo = imageUndoer(deps);
  const upload = deps.engine.register(uploadOperation(deps, undo));
  const remove = deps.engine.register(deleteOperation(deps, undo));
  return {
    /** Copies a workstation file or another host's image into a pool, as a task with progress. */
    upload(input: UploadInput): { taskId: string } {
      const projectId = deps.projects.resolve(input.projectId).id;
      const host = deps.hosts.get(input.hostId);
      if (!host || host.projectId !== projectId)
        throw new AppError('NOT_FOUND', 'The host does not exist', 'hostId');
      if (!deps.hostInventory.pools(host.id).some((p) => p.name === input.pool)) {
        throw new AppError('VALIDATION', `Host ${host.name} has no pool ${input.pool}`, 'pool');
      }
      const source = uploadSource(deps, input, projectId);
      const task = deps.engine.start(upload, {
        projectId,
        title: `Upload ${source.name} to ${host.name}`,
        target: { type: 'host', id: host.id },
        input: { ...input },
        lock: volumeLock(host.id, input.pool, source.name, host.name),
      });
      void deps.engine.run(upload, task, { projectId, hostId: host.id, pool: input.pool, source, ops: null });
      return { taskId: task.id };
    },

    /** Deletes an image or volume (unless it is the base of overlays or attached), as a task; waits for it. */
    async deleteImage(id: string): Promise<{ deleted: true }> {
      const img = deps.imagesRepo.get(id);
      if (!img || img.hostId === null || img.pool === null) {
        throw new AppError('NOT_FOUND', 'The image does not exist', 'id');
      }
      const image = { ...img, hostId: img.hostId, pool: img.pool };
      const refusal = deleteRefusal(deps, image);
      if (refusal) throw refusal;
      const host = deps.hosts.get(image.hostId)!;
      const task = deps.engine.start(remove, {
        projectId: host.projectId,
        title: `Delete ${image.name} on ${host.name}`,
        target: { type: 'host', id: host.id },
        input: { id },
        lock: volumeLock(host.id, image.pool, image.name, host.name),
      });
      const outcome = await deps.engine.run(remove, task, { image, projectId: host.projectId });
      if (!outcome.ok) throw outcomeError(outcome.error);
      return { deleted: true };
    },
  };
}
