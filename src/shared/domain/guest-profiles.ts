/**
 * Guest OS profiles: what a kind of guest needs from its virtual hardware and from cloud-init. Shared by the
 * wizard (the dropdown), the CLI (--profile) and main (domain XML, the seed).
 */

export const GUEST_PROFILE_IDS = [
  'debian',
  'ubuntu',
  'rhel',
  'fedora',
  'linux-generic',
  'windows-10',
  'windows-11',
  'windows-server-2019',
  'windows-server-2022',
  'other',
] as const;
export type GuestProfileId = (typeof GUEST_PROFILE_IDS)[number];

/** Which cloud-init conventions apply: the sudo group, mostly. */
export type GuestFamily = 'debian' | 'rhel' | 'linux' | 'windows' | 'other';

export interface GuestProfile {
  readonly id: GuestProfileId;
  readonly label: string;
  readonly family: GuestFamily;
  /** What the request's firmware `auto` gives. */
  readonly firmware: 'bios' | 'uefi';
  /**
   * UEFI secure boot with Microsoft's keys enrolled, asked of libvirt by name (Windows 11 requires it);
   * such a profile cannot boot with BIOS. false: libvirt's first matching firmware descriptor.
   */
  readonly secureBoot: boolean;
  /** TPM 2.0 (an emulated swtpm). */
  readonly tpm: boolean;
  /** Windows without virtio drivers installs only onto sata disks. */
  readonly diskBus: 'virtio' | 'sata';
  readonly nicModel: 'virtio' | 'e1000e';
  readonly video: 'virtio' | 'qxl' | 'vga';
  /** Windows keeps its clock in local time and wants the Hyper-V friendly timers. */
  readonly clock: 'utc' | 'localtime';
  /** The group that gives the default user sudo; null where cloud-init users do not apply. */
  readonly sudoGroup: string | null;
  /** Whether a cloud-init NoCloud seed makes sense for this guest. */
  readonly cloudInit: boolean;
}

const linux = (id: GuestProfileId, label: string, family: GuestFamily, sudoGroup: string): GuestProfile => ({
  id,
  label,
  family,
  firmware: 'bios',
  secureBoot: false,
  tpm: false,
  diskBus: 'virtio',
  nicModel: 'virtio',
  video: 'virtio',
  clock: 'utc',
  sudoGroup,
  cloudInit: true,
});

/** Windows 11: secure boot and a TPM 2.0; earlier versions need neither. */
const windows = (id: GuestProfileId, label: string, eleven: boolean): GuestProfile => ({
  id,
  label,
  family: 'windows',
  firmware: 'uefi',
  secureBoot: eleven,
  tpm: eleven,
  diskBus: 'sata',
  nicModel: 'e1000e',
  video: 'qxl',
  clock: 'localtime',
  sudoGroup: null,
  cloudInit: false,
});

export const GUEST_PROFILES: Readonly<Record<GuestProfileId, GuestProfile>> = {
  debian: linux('debian', 'Debian', 'debian', 'sudo'),
  ubuntu: linux('ubuntu', 'Ubuntu', 'debian', 'sudo'),
  rhel: linux('rhel', 'RHEL / Rocky / Alma', 'rhel', 'wheel'),
  fedora: linux('fedora', 'Fedora', 'rhel', 'wheel'),
  'linux-generic': linux('linux-generic', 'Other Linux', 'linux', 'wheel'),
  'windows-10': windows('windows-10', 'Windows 10', false),
  'windows-11': windows('windows-11', 'Windows 11', true),
  'windows-server-2019': windows('windows-server-2019', 'Windows Server 2019', false),
  'windows-server-2022': windows('windows-server-2022', 'Windows Server 2022', false),
  other: {
    id: 'other',
    label: 'Other',
    family: 'other',
    firmware: 'bios',
    secureBoot: false,
    tpm: false,
    diskBus: 'sata',
    nicModel: 'e1000e',
    video: 'vga',
    clock: 'utc',
    sudoGroup: null,
    cloudInit: false,
  },
};

export function guestProfile(id: GuestProfileId): GuestProfile {
  return GUEST_PROFILES[id];
}
