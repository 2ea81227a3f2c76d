/**
 * A disk that travels to another host. On the source's host its whole chain is flattened into a temporary
 * qcow2 volume (undo-recorded, named as the copy it becomes); the host-to-host copier streams it through the
 * workstation's SSH connections into the destination pool with progress; the copy's SHA-256, computed on the
 * destination, must equal the flattened file's, computed on the source; then the temporary volume goes.
 * A linked clone on another host stands on the template's base copied there this way once: recorded in
 * template_bases once verified, kept when the clone itself fails, and reused by the later linked clones.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StoredImage } from '../../inventory/images.repo';
import type { StepHandle } from '../../tasks/task-log';
import { copyImage } from '../copy-image';
import { planOf, type CloneCtx, type CloneDeps, type CloneUndo, type DiskCopy } from './context';
import { convert, newVolume } from './host-volumes';

/** Of a disk's progress: flattening, then sending, then checking. */
const FLATTEN = 0.4;
const SEND = 0.55;

async function sendFlattened(
  deps: CloneDeps,
  ctx: CloneCtx,
  d: DiskCopy,
  to: { readonly pool: string; readonly name: string },
  step: StepHandle<CloneUndo>,
  part: (f: number) => void,
): Promise<{ path: string; sha256: string }> {
  const plan = planOf(ctx);
  const srcHost = ctx.source.hostId;
  const srcPool = d.sourcePool;
  if (!srcPool) throw new AppError('UNSUPPORTED', `Disk ${d.target} is in no storage pool on its host`);
  const srcOps = await deps.opsFor(srcHost);
  const destOps = await deps.opsFor(plan.hostId);
  const temp = await newVolume(
    srcOps,
    { hostId: srcHost, pool: srcPool, name: to.name, bytes: d.virtualBytes },
    step,
  );
  await convert(srcOps, d, temp, (f) => part(FLATTEN * f));
  const want = await srcOps.sha256(temp);
  const image: StoredImage = {
    id: `clone:${to.name}`,
    hostId: srcHost,
    hostName: null,
    pool: srcPool,
    name: to.name,
    path: temp,
    kind: 'disk',
    format: 'qcow2',
    virtualBytes: d.virtualBytes,
    allocationBytes: null,
    backingPath: null,
    usedBy: 0,
    attached: false,
    poolPath: null,
    poolType: null,
  };
  // The copier's own step messages stay inside this step: its progress is a part of this disk's.
  const sub: StepHandle<CloneUndo> = {
    ...step,
    progress: (f) => part(FLATTEN + SEND * f),
    done: () => undefined,
    skip: () => undefined,
  };
  // A clone's copy is never an image the inventory knows already: always sent.
  const copier = { imagesRepo: { ...deps.imagesRepo, find: () => undefined }, opsFor: deps.opsFor };
  const path = await copyImage(copier, image, { ops: destOps, hostId: plan.hostId, pool: to.pool }, sub, {
    type: 'volume',
    hostId: plan.hostId,
    pool: to.pool,
    name: to.name,
  } satisfies CloneUndo);
  const got = await destOps.sha256(path);
  if (got !== want) {
    throw new AppError(
      'HOST_ERROR',
      `The copy of ${d.target} on the host differs from the source (SHA-256 ${got} ≠ ${want})`,
    );
  }
  part(1);
  await srcOps.deleteVolume(srcPool, to.name);
  step.dropUndo(
    (u) => u.type === 'volume' && u.hostId === srcHost && u.pool === srcPool && u.name === to.name,
  );
  return { path, sha256: want };
}

/** A full clone's disk copied to its host; resolves with the verified SHA-256. */
export async function transferDisk(
  deps: CloneDeps,
  ctx: CloneCtx,
  d: DiskCopy,
  step: StepHandle<CloneUndo>,
  part: (f: number) => void,
): Promise<string> {
  const { path, sha256 } = await sendFlattened(deps, ctx, d, { pool: d.pool, name: d.volume }, step, part);
  d.path = path;
  return sha256;
}

/**
 * The template's base of this disk copied to the clone's host, verified and recorded (kept from then on);
 * resolves with its SHA-256.
 */
export async function ensureBase(
  deps: CloneDeps,
  ctx: CloneCtx,
  d: DiskCopy,
  step: StepHandle<CloneUndo>,
  part: (f: number) => void,
): Promise<string> {
  const base = d.base!;
  const plan = planOf(ctx);
  const { path, sha256 } = await sendFlattened(
    deps,
    ctx,
    d,
    { pool: base.pool, name: base.volume },
    step,
    part,
  );
  deps.templateBases.record({
    templateId: ctx.source.id,
    hostId: plan.hostId,
    target: d.target,
    pool: base.pool,
    path,
    sha256,
  });
  // Verified and recorded: later linked clones on this host stand on it, even if this one fails.
  step.dropUndo(
    (u) => u.type === 'volume' && u.hostId === plan.hostId && u.pool === base.pool && u.name === base.volume,
  );
  base.path = path;
  return sha256;
}
