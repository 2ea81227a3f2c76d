/**
 * A VM's firmware: the create request's choice (`firmware`: auto, bios or uefi) over its guest profile's.
 * Shared by main (the plan, which refuses what cannot boot) and the wizard (the Boot step and the
 * placement dry run), so both decide alike.
 */
import type { GuestProfile } from './guest-profiles';

export const FIRMWARE_CHOICES = ['auto', 'bios', 'uefi'] as const;
export type FirmwareChoice = (typeof FIRMWARE_CHOICES)[number];
export type Firmware = 'bios' | 'uefi';

/** auto: the profile's firmware; otherwise the choice. */
export function effectiveFirmware(profile: GuestProfile, choice: FirmwareChoice): Firmware {
  return choice === 'auto' ? profile.firmware : choice;
}

/**
 * Why the profile cannot boot with the chosen firmware (a profile that needs secure boot cannot boot
 * with BIOS), or null when it can.
 */
export function firmwareRefusal(profile: GuestProfile, choice: FirmwareChoice): string | null {
  if (effectiveFirmware(profile, choice) === 'bios' && profile.secureBoot) {
    return `${profile.label} needs UEFI firmware: it requires secure boot, which only UEFI offers; choose UEFI or Automatic`;
  }
  return null;
}
