/**
 * Copying an image into a pool on a host: from a workstation file or from another host's pool, in chunks with
 * progress, the new volume recorded for undo before it is made, and the copy's SHA-256 checked on the host.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { AppError } from '../../shared/domain/errors';
import type { ImagesRepo, StoredImage } from '../inventory/images.repo';
import type { StepHandle } from '../tasks/task-log';
import { isAlreadyExists, type HostOps } from './host-ops';

const CHUNK = 32 * 1024 ** 2;

export interface CopyImageDeps {
  readonly imagesRepo: ImagesRepo;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
}

interface Source {
  readonly total: number;
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** The bytes of an image: a workstation file (hostId null), or a volume on its host. */
async function openSource(deps: CopyImageDeps, image: StoredImage): Promise<Source> {
  if (image.hostId === null) {
    const fh = await open(image.path, 'r').catch((err: Error) => {
      throw new AppError('NOT_FOUND', `Cannot read ${image.path}: ${err.message}`, 'boot.imageId');
    });
    const stat = await fh.stat();
    if (!stat.isFile()) {
      await fh.close();
      throw new AppError('VALIDATION', `${image.path} is not a regular file`, 'boot.imageId');
    }
    return {
      total: stat.size,
      read: async (offset, length) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      },
      close: () => fh.close(),
    };
  }
  const source = await deps.opsFor(image.hostId);
  if (!image.pool) throw new AppError('NOT_FOUND', `Image ${image.name} has no pool`, 'boot.imageId');
  const pool = image.pool;
  return {
    total: await source.physicalBytes(pool, image.name),
    read: (offset, length) => source.downloadChunk(pool, image.name, offset, length),
    close: async () => undefined,
  };
}

/** Streams the source into the (new, empty) volume; resolves with the SHA-256 of what was sent. */
async function stream<U>(src: Source, target: HostOps, pool: string, name: string, step: StepHandle<U>) {
  const hash = createHash('sha256');
  let offset = 0;
  while (offset < src.total) {
    const chunk = await src.read(offset, Math.min(CHUNK, src.total - offset));
    if (chunk.length === 0) throw new AppError('HOST_ERROR', `The image ended early at ${offset} bytes`);
    hash.update(chunk);
    await target.uploadBytes(pool, name, chunk, undefined, offset);
    offset += chunk.length;
    step.progress(offset / src.total, `Uploaded ${offset} of ${src.total} bytes`);
  }
  return hash.digest('hex');
}

/**
 * Copies the image into `pool` on `hostId` (unless an equal copy is there); resolves with its path. `undo` is
 * the operation's record of the new volume, written before the volume is made.
 */
export async function copyImage<U>(
  deps: CopyImageDeps,
  image: StoredImage,
  to: { readonly ops: HostOps; readonly hostId: string; readonly pool: string },
  step: StepHandle<U>,
  undo: U,
): Promise<string> {
  const { ops: target, hostId, pool } = to;
  const existing = deps.imagesRepo.find(hostId, pool, image.name);
  if (existing && existing.virtualBytes === image.virtualBytes) {
    step.done(`Already in pool ${pool} on the host`);
    return existing.path;
  }
  if (await target.volumeExists(pool, image.name)) {
    throw new AppError(
      'CONFLICT',
      `Pool ${pool} already has a different volume named ${image.name}: rename one of them`,
      'boot.imageId',
    );
  }
  const src = await openSource(deps, image);
  let expected: string;
  try {
    step.addUndo(undo);
    try {
      await target.createVolume({
        pool,
        name: image.name,
        capacityBytes: Math.max(src.total, 1),
        format: 'raw',
      });
    } catch (err) {
      if (isAlreadyExists(err)) step.dropUndo((r) => r === undo);
      throw err;
    }
    expected = await stream(src, target, pool, image.name, step);
  } finally {
    await src.close();
  }
  await target.refreshPool(pool);
  const path = await target.volumePath(pool, image.name);
  const actual = await target.sha256(path).catch(() => null);
  if (actual !== null && actual !== expected) {
    throw new AppError('HOST_ERROR', `The uploaded image's SHA-256 does not match (${actual} ≠ ${expected})`);
  }
  step.done(
    actual === null
      ? `Uploaded ${src.total} bytes (SHA-256 not checked: no shell on the host)`
      : `Uploaded ${src.total} bytes, SHA-256 ${expected.slice(0, 12)}… verified`,
  );
  return path;
}
