/**
 * Step 4, Storage: new disks (size, thin or thick, a pool or the scheduler's pick) and existing, unattached
 * volumes. With a cloud image the first disk is the overlay on it: never smaller than the image.
 */
import type { DiskSpec } from '../../../../../shared/domain/provision';
import { formatSize } from '../format';
import {
  parseSize,
  rowKey,
  type BootDraft,
  type DiskDraft,
  type NewDiskDraft,
  type StepCheck,
  type StepErrors,
  type StorageDraft,
  type WizardFacts,
} from '../draft';
import { describeBlockers, placementBlockers } from '../placement-issues';
import { hasErrors, mergeErrors, requestErrors } from '../schema';

export type StorageValue = readonly DiskSpec[];

export function newDisk(): NewDiskDraft {
  return { key: rowKey('disk'), kind: 'new', size: '10', unit: 'GiB', pool: '', thin: true };
}

export function initStep(): StorageDraft {
  return { disks: [newDisk()] };
}

/** The bytes a disk row asks for: null when its size is not a number (existing: the volume's size). */
export function diskBytes(d: DiskDraft, facts: WizardFacts): number | null {
  if (d.kind === 'new') return parseSize(d.size, d.unit);
  const v = facts.volumes.find((x) => x.id === d.imageId);
  return v?.virtualBytes ?? null;
}

/** The size the cloud image's overlay must have at least: the image's virtual size. */
export function minimumBootBytes(boot: Pick<BootDraft, 'kind'>, facts: WizardFacts): number | null {
  if (boot.kind !== 'cloud-image') return null;
  return facts.image?.virtualBytes ?? null;
}

function toSpec(d: DiskDraft, bytes: number | null): DiskSpec {
  if (d.kind === 'existing') return { kind: 'existing', pool: d.pool, volume: d.volume };
  return {
    kind: 'new',
    thin: d.thin,
    ...(bytes !== null ? { sizeBytes: bytes } : {}),
    ...(d.pool !== '' ? { pool: d.pool } : {}),
  };
}

function fieldOf(path: string): string | undefined {
  const m = /^disks\.(\d+)(?:\.(\w+))?/.exec(path);
  if (m) {
    const sub = m[2];
    if (sub === undefined) return 'disks';
    return `disks.${m[1]}.${sub === 'sizeBytes' ? 'size' : sub === 'pool' ? 'pool' : 'volume'}`;
  }
  if (path === 'disks' || path === 'count') return 'disks';
  return undefined;
}

export function validateStep(
  d: StorageDraft,
  facts: WizardFacts,
  context: { boot: Pick<BootDraft, 'kind' | 'imageId'>; count: number },
): StepCheck<StorageValue> {
  const local: StepErrors = {};
  const specs: DiskSpec[] = d.disks.map((disk, i) => {
    const bytes = disk.kind === 'new' ? parseSize(disk.size, disk.unit) : null;
    if (disk.kind === 'new' && bytes === null)
      local[`disks.${i}.size`] = 'Disk size must be a positive number';
    if (disk.kind === 'existing' && disk.imageId === '') local[`disks.${i}.volume`] = 'Choose a volume';
    return toSpec(disk, bytes);
  });
  const min = minimumBootBytes(context.boot, facts);
  const first = d.disks[0];
  if (min !== null && first?.kind === 'new') {
    const bytes = parseSize(first.size, first.unit);
    if (bytes !== null && bytes < min) {
      local['disks.0.size'] =
        `The boot disk must be at least ${formatSize(min)}: the cloud image's virtual size (${facts.image?.name ?? ''})`;
    }
  }
  const boot =
    context.boot.kind === 'none' || context.boot.imageId === null
      ? { kind: 'none' as const }
      : { kind: context.boot.kind, imageId: context.boot.imageId };
  let errors = mergeErrors(local, requestErrors({ disks: specs, boot, count: context.count }, fieldOf));

  if (!hasErrors(errors)) {
    for (const b of placementBlockers(facts.placement, 'storage')) {
      for (const reason of b.reasons) {
        const message = `${b.hostName}: ${reason}`;
        const pool = /pool (\S+?)(?: \(|$| is)/.exec(reason)?.[1];
        let i = d.disks.findIndex((x) => x.kind === 'new' && pool !== undefined && x.pool === pool);
        if (i < 0) i = d.disks.findIndex((x) => x.kind === 'new' && x.pool === '');
        const key = i < 0 ? 'disks' : `disks.${i}.${b.predicate === 'pool-affinity' ? 'pool' : 'size'}`;
        errors = mergeErrors(errors, { [key]: message });
      }
    }
    const rest = describeBlockers(placementBlockers(facts.placement, 'storage'), () => true);
    if (!hasErrors(errors) && rest !== '') errors.disks = rest;
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, errors, value: specs };
}
