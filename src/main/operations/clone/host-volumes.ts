/**
 * Volumes on a host for a clone: a new qcow2 volume made by libvirt (an overlay when it has a backing), its
 * undo record written first; and `qemu-img convert -n` of a disk's whole chain into one, with qemu-img's own
 * `-p` progress (runQemuImg: read back while it runs, and done the moment qemu-img is).
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { HostOps, isAlreadyExists } from '../host-ops';
import { qemuImgProgress, runQemuImg } from '../qemu-img-run';
import type { CloneUndo } from './context';

/** The last percentage qemu-img -p printed ("    (42.17/100%)"), as a fraction, or null. */
export const convertProgress = qemuImgProgress;

/** `qemu-img convert -p -n` of a disk (its whole chain, format as declared) into an existing qcow2 volume. */
export function convert(
  ops: HostOps,
  from: { readonly source: string; readonly format: string },
  target: string,
  onFraction: (f: number) => void,
): Promise<void> {
  return runQemuImg(
    ops,
    ['convert', '-p', '-n', '-f', from.format, '-O', 'qcow2', '--', from.source, target],
    `qemu-img convert ${from.source}`,
    onFraction,
  );
}
/**
 * A new volume (qcow2 unless said; an overlay when `backing` is given), its undo record first; resolves
 * with its path. A name the pool has already is libvirt's own refusal: a CONFLICT, its undo record dropped.
 */
export async function newVolume(
  ops: HostOps,
  at: {
    readonly hostId: string;
    readonly pool: string;
    readonly name: string;
    readonly bytes: number;
    /** qcow2 unless said (a seed ISO's volume is raw). */
    readonly format?: 'qcow2' | 'raw';
  },
  step: StepHandle<CloneUndo>,
  backing?: { readonly path: string; readonly format: string },
): Promise<string> {
  const { hostId, pool, name } = at;
  step.addUndo({ type: 'volume', hostId, pool, name });
  const [made, where] = await ops.batch([
    HostOps.createArgs({ pool, name, capacityBytes: at.bytes, format: at.format ?? 'qcow2', backing }),
    HostOps.pathArgs(pool, name),
  ]);
  if (!made?.ok) {
    const error = made?.ok === false ? made.error : 'no answer';
    if (isAlreadyExists(error)) {
      step.dropUndo((u) => u.type === 'volume' && u.hostId === hostId && u.pool === pool && u.name === name);
      throw new AppError('CONFLICT', `Pool ${pool} already has a volume ${name}`, 'name');
    }
    throw new AppError('HOST_ERROR', `Cannot create volume ${name}: ${error}`);
  }
  if (!where?.ok) throw new AppError('HOST_ERROR', `Cannot find volume ${name}`);
  return where.out.trim();
}
