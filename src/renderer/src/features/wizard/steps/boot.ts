/**
 * Step 6, Boot media: a cloud image (cloud-init on; the image backs the first disk), an installer ISO, or
 * nothing; the guest OS profile, and the firmware (the profile's, or BIOS or UEFI over it).
 */
import {
  effectiveFirmware,
  FIRMWARE_CHOICES,
  firmwareRefusal,
  type FirmwareChoice,
} from '../../../../../shared/domain/firmware';
import {
  GUEST_PROFILE_IDS,
  GUEST_PROFILES,
  type GuestProfileId,
} from '../../../../../shared/domain/guest-profiles';
import type { BootMedia, ImageSummary } from '../../../../../shared/domain/provision';
import {
  parseSize,
  sizeFields,
  type BootDraft,
  type StepCheck,
  type StepErrors,
  type StorageDraft,
  type WizardFacts,
} from '../draft';
import { formatSize } from '../format';
import { placementBlockers } from '../placement-issues';
import { hasErrors, mergeErrors, requestErrors } from '../schema';
import { newDisk } from './storage';

export interface BootValue {
  readonly boot: BootMedia;
  readonly profile: GuestProfileId;
  readonly firmware: FirmwareChoice;
}

export function initStep(): BootDraft {
  return { kind: 'none', imageId: null, profile: 'linux-generic', firmware: 'auto' };
}

const FIRMWARE_NAMES = { bios: 'BIOS', uefi: 'UEFI' } as const;

/** The firmware select's options; Automatic names what the profile gives. */
export function firmwareOptions(
  profile: GuestProfileId,
): readonly { readonly value: FirmwareChoice; readonly label: string }[] {
  const own = FIRMWARE_NAMES[effectiveFirmware(GUEST_PROFILES[profile], 'auto')];
  return FIRMWARE_CHOICES.map((value) => ({
    value,
    label: value === 'auto' ? `Automatic (the profile's: ${own})` : FIRMWARE_NAMES[value],
  }));
}

export const BOOT_KIND_LABELS: Readonly<Record<BootDraft['kind'], string>> = {
  'cloud-image': 'Cloud image',
  iso: 'Installer ISO',
  none: 'None (blank disks, network boot)',
};

/**
 * Choosing an image. A cloud image needs a new first disk (the overlay on it), at least as large as the
 * image: one is put first when missing, and a smaller one grows to the image's virtual size.
 */
export function chooseImage(
  boot: BootDraft,
  storage: StorageDraft,
  image: ImageSummary,
): { boot: BootDraft; storage: StorageDraft } {
  const nextBoot: BootDraft = {
    ...boot,
    kind: image.kind === 'iso' ? 'iso' : 'cloud-image',
    imageId: image.id,
  };
  if (nextBoot.kind !== 'cloud-image') return { boot: nextBoot, storage };
  const disks = [...storage.disks];
  const first = disks[0];
  if (first === undefined || first.kind !== 'new') disks.unshift(newDisk());
  const disk = disks[0]!;
  const virtual = image.virtualBytes;
  if (disk.kind === 'new' && virtual !== null) {
    const bytes = parseSize(disk.size, disk.unit);
    if (bytes === null || bytes < virtual) disks[0] = { ...disk, ...sizeFields(virtual) };
  }
  return { boot: nextBoot, storage: { disks } };
}

export function validateStep(d: BootDraft, facts: WizardFacts, storage: StorageDraft): StepCheck<BootValue> {
  const local: StepErrors = {};
  if (d.kind !== 'none' && d.imageId === null)
    local.image = d.kind === 'iso' ? 'Choose an ISO' : 'Choose a cloud image';
  const image = facts.image;
  if (d.kind !== 'none' && d.imageId !== null && image !== undefined && image.id === d.imageId) {
    const want = d.kind === 'iso' ? 'iso' : 'cloud-image';
    if (image.kind !== want)
      local.image = `${image.name} is not ${d.kind === 'iso' ? 'an ISO' : 'a cloud image'}`;
  }
  if (d.kind === 'cloud-image' && image?.virtualBytes !== undefined && image.virtualBytes !== null) {
    const first = storage.disks[0];
    const bytes = first?.kind === 'new' ? parseSize(first.size, first.unit) : null;
    if (first?.kind !== 'new')
      local.image = 'A cloud image needs a new first disk: add one in Storage, before existing volumes';
    else if (bytes !== null && bytes < image.virtualBytes)
      local.image = `The boot disk (${formatSize(bytes)}) is smaller than the image (${formatSize(image.virtualBytes)}): make it larger in Storage`;
  }
  const firmware = d.firmware ?? 'auto';
  if (!(GUEST_PROFILE_IDS as readonly string[]).includes(d.profile))
    local.profile = 'Unknown guest OS profile';
  else {
    const refused = firmwareRefusal(GUEST_PROFILES[d.profile], firmware);
    if (refused !== null) local.firmware = refused;
  }
  const boot: BootMedia =
    d.kind === 'none' || d.imageId === null ? { kind: 'none' } : { kind: d.kind, imageId: d.imageId };
  let errors = mergeErrors(
    local,
    requestErrors({ boot, profile: d.profile, firmware }, (path) =>
      path.startsWith('boot') ? 'image' : path === 'profile' || path === 'firmware' ? path : undefined,
    ),
  );
  if (!hasErrors(errors)) {
    const reasons = placementBlockers(facts.placement, 'boot').flatMap((b) =>
      b.reasons.map((r) => `${b.hostName}: ${r}`),
    );
    if (reasons.length > 0) errors = { profile: [...new Set(reasons)].join('; ') };
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, errors, value: { boot, profile: d.profile, firmware } };
}
