/**
 * The disks of a create request: their sizes (a cloud image's boot disk is never smaller than the image),
 * the existing volumes it attaches (which pin the VM to their host), and per VM the volumes to create or
 * attach, with the paths they will have. Part of plan.ts.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StoredPool } from '../../../shared/domain/host';
import type { VmPlacement } from '../../../shared/domain/placement';
import type { CreateVmRequest } from '../../../shared/domain/provision';
import type { ImagesRepo, StoredImage } from '../../inventory/images.repo';
import { formatBytes } from '../../scheduler/format';

export interface PlannedDisk {
  readonly kind: 'new' | 'existing';
  readonly pool: string;
  readonly volume: string;
  readonly capacityBytes: number;
  readonly format: 'qcow2' | 'raw';
  readonly thick: boolean;
  /** The cloud image the boot disk is an overlay on. */
  readonly backing: boolean;
  /** Where the volume will be (dir pools) — the real path is read back after creation. */
  readonly predictedPath: string;
}

const bad = (message: string, field: string) => new AppError('VALIDATION', message, field);

export function predictedPath(pool: StoredPool | undefined, volume: string): string {
  const base = pool?.path ?? `/${pool?.name ?? 'pool'}`;
  return `${base.replace(/\/+$/, '')}/${volume}`;
}

/**
 * The size of each new disk (0 for an existing volume). The boot disk of a cloud image is an overlay at the
 * requested size, never smaller than the image.
 */
export function diskSizes(request: CreateVmRequest, cloudImage: StoredImage | null): number[] {
  return request.disks.map((d, i) => {
    if (d.kind !== 'new') return 0;
    if (i === 0 && cloudImage) {
      const virtual = cloudImage.virtualBytes;
      if (d.sizeBytes === undefined) {
        if (virtual === null) {
          throw bad(
            `The virtual size of "${cloudImage.name}" is not known: give the disk a size`,
            'disks.0.sizeBytes',
          );
        }
        return virtual;
      }
      if (virtual !== null && d.sizeBytes < virtual) {
        throw bad(
          `The boot disk (${formatBytes(d.sizeBytes)}) is smaller than the image's virtual size (${formatBytes(virtual)})`,
          'disks.0.sizeBytes',
        );
      }
      return d.sizeBytes;
    }
    return d.sizeBytes ?? 0;
  });
}

/** Existing volumes pin the VM to their host, and may not be in use: the hosts they require (one at most). */
export function hostsOfExistingVolumes(
  images: ImagesRepo,
  projectId: string,
  request: CreateVmRequest,
): Set<string> {
  const requiredHosts = new Set<string>();
  request.disks.forEach((d, i) => {
    if (d.kind !== 'existing') return;
    const matches = images
      .list(projectId, { kind: undefined })
      .filter(
        (v) =>
          v.pool === d.pool &&
          v.name === d.volume &&
          (request.placement.hostId === undefined || v.hostId === request.placement.hostId),
      );
    if (matches.length === 0) throw bad(`No volume "${d.volume}" in pool "${d.pool}"`, `disks.${i}.volume`);
    if (matches.length > 1) {
      throw bad(`Volume "${d.volume}" exists on several hosts: choose the host`, `disks.${i}.volume`);
    }
    const v = matches[0]!;
    if (v.attached) throw bad(`Volume "${d.volume}" is already attached to a VM`, `disks.${i}.volume`);
    if (v.usedBy > 0)
      throw bad(`Volume "${d.volume}" is the base image of ${v.usedBy} disk(s)`, `disks.${i}.volume`);
    if (v.kind === 'iso') throw bad(`Volume "${d.volume}" is an ISO`, `disks.${i}.volume`);
    requiredHosts.add(v.hostId!);
  });
  if (requiredHosts.size > 1) throw bad('The existing volumes are on different hosts', 'disks');
  return requiredHosts;
}

/** The disks of the VM `name` where it was placed: new volumes in their chosen pools, existing ones as found. */
export function planDisks(
  images: ImagesRepo,
  request: CreateVmRequest,
  vm: {
    readonly name: string;
    readonly placed: VmPlacement;
    readonly pools: ReadonlyMap<string, StoredPool>;
    readonly sizes: readonly number[];
    readonly cloudImage: StoredImage | null;
  },
): PlannedDisk[] {
  const { name, placed, pools, sizes, cloudImage } = vm;
  let newIndex = 0;
  return request.disks.map((d, k) => {
    if (d.kind === 'existing') {
      const v = images.find(placed.hostId, d.pool, d.volume)!;
      return {
        kind: 'existing',
        pool: d.pool,
        volume: d.volume,
        capacityBytes: v.virtualBytes ?? 0,
        format: v.format === 'raw' ? 'raw' : 'qcow2',
        thick: false,
        backing: false,
        predictedPath: v.path,
      };
    }
    const pool = placed.diskPools[newIndex++]!;
    const backing = k === 0 && cloudImage !== null;
    const thick = !backing && !d.thin;
    const volume = `${name}-disk${k}.${thick ? 'raw' : 'qcow2'}`;
    return {
      kind: 'new',
      pool,
      volume,
      capacityBytes: sizes[k]!,
      format: thick ? 'raw' : 'qcow2',
      thick,
      backing,
      predictedPath: predictedPath(pools.get(pool), volume),
    };
  });
}

/**
 * The pool for the VM's files (its seed, an uploaded image): the first new disk's, else the first disk's,
 * else the running pool with the most free space.
 */
export function vmPoolOf(
  disks: readonly PlannedDisk[],
  pools: ReadonlyMap<string, StoredPool>,
): string | undefined {
  return (
    disks.find((d) => d.kind === 'new')?.pool ??
    disks[0]?.pool ??
    [...pools.values()]
      .filter((p) => p.state === 'running')
      .sort((a, b) => b.availableBytes - a.availableBytes || a.name.localeCompare(b.name))[0]?.name
  );
}
