/**
 * Changing a VM's settings: the input of a settings change (one VM, a list of changes) shared by the Settings
 * tab, `qhci vm set` and the tests. Every name that can reach domain XML or a virsh command line is checked
 * here (pool, volume and network names never start with "-"), sizes have limits, and no two changes touch
 * the same disk, NIC or setting.
 */
import { z } from 'zod';
import { Id, TEXT_CONTROL_CHARS } from './names';
import { NetworkName, PoolName, type HostEvaluation } from './placement';
import { GiB, MiB, NIC_MODELS, VolumeName } from './provision';
import { Labels } from './spec';

export const MAX_SETTINGS_VCPUS = 1024;
export const MIN_SETTINGS_MEMORY = 64 * MiB;
export const MAX_SETTINGS_MEMORY = 16 * 1024 * GiB;
export const MAX_SETTINGS_DISK = 64 * 1024 * GiB;
export const MAX_SETTINGS_CHANGES = 32;

/** A disk's target as libvirt names it (vda, sdb, hdc, xvdaa…). */
export const DiskTarget = z
  .string({ message: 'Disk target is required' })
  .regex(/^(vd|sd|hd|xvd)[a-z]{1,3}$/, 'A disk target is vd, sd, hd or xvd and letters (vdb)');

/** A NIC is named by its MAC address (lowercase, as libvirt writes it). */
export const MacAddress = z
  .string({ message: 'MAC address is required' })
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'A MAC address is six hex pairs (52:54:00:12:34:56)');

const Vcpus = z
  .number()
  .int('vCPUs must be a whole number')
  .min(1, 'At least 1 vCPU')
  .max(MAX_SETTINGS_VCPUS, `At most ${MAX_SETTINGS_VCPUS} vCPUs`);

const MemoryBytes = z
  .number()
  .int('Memory must be a whole number of bytes')
  .min(MIN_SETTINGS_MEMORY, 'Memory must be at least 64 MiB')
  .max(MAX_SETTINGS_MEMORY, 'Memory must be at most 16 TiB')
  .refine((n) => n % MiB === 0, 'Memory must be a whole number of MiB');

const DiskBytes = z
  .number()
  .int('Disk size must be a whole number of bytes')
  .min(MiB, 'Disk size must be at least 1 MiB')
  .max(MAX_SETTINGS_DISK, 'Disk size must be at most 64 TiB')
  .refine((n) => n % MiB === 0, 'Disk size must be a whole number of MiB');

export const SETTINGS_DISK_BUSES = ['virtio', 'sata'] as const;
export type SettingsDiskBus = (typeof SETTINGS_DISK_BUSES)[number];
const DiskBus = z.enum(SETTINGS_DISK_BUSES, { message: 'Disk bus must be virtio or sata' });
export const BOOT_DEVICES = ['hd', 'cdrom', 'network'] as const;
export type BootDeviceName = (typeof BOOT_DEVICES)[number];

export const VmDescriptionText = z
  .string()
  .max(1024, 'Description must be at most 1024 characters')
  .refine((s) => !TEXT_CONTROL_CHARS.test(s), 'Description may not contain control characters');

const NicModel = z.enum(NIC_MODELS, { message: `NIC model must be one of ${NIC_MODELS.join(', ')}` });

export const VmSettingsChange = z.discriminatedUnion(
  'kind',
  [
    /** vCPUs now, and the maximum it may grow to without a restart. */
    z.strictObject({ kind: z.literal('vcpus'), current: Vcpus, maximum: Vcpus.optional() }),
    /** Memory now (the balloon), and the maximum it may grow to without a restart. */
    z.strictObject({
      kind: z.literal('memory'),
      currentBytes: MemoryBytes,
      maximumBytes: MemoryBytes.optional(),
    }),
    /** A new volume of `sizeBytes` in `pool`, attached as the next free target of its bus. */
    z.strictObject({
      kind: z.literal('disk-add-new'),
      pool: PoolName,
      sizeBytes: DiskBytes,
      /** Omitted: `<vm>-diskN.qcow2`, the first N free in the pool. */
      name: VolumeName.optional(),
      /** Omitted: the bus of the VM's first disk (virtio without one), or the one its target names. */
      bus: DiskBus.optional(),
      /** Omitted: the bus's next free target. */
      target: DiskTarget.optional(),
    }),
    z.strictObject({
      kind: z.literal('disk-add-existing'),
      pool: PoolName,
      volume: VolumeName,
      bus: DiskBus.optional(),
      target: DiskTarget.optional(),
    }),
    /** Grow a disk to `sizeBytes` (never shrink). */
    z.strictObject({ kind: z.literal('disk-grow'), target: DiskTarget, sizeBytes: DiskBytes }),
    z.strictObject({
      kind: z.literal('disk-detach'),
      target: DiskTarget,
      /** Also delete the volume the disk reads. */
      deleteVolume: z.boolean().default(false),
    }),
    z.strictObject({
      kind: z.literal('nic-add'),
      network: NetworkName,
      model: NicModel.default('virtio'),
    }),
    z.strictObject({ kind: z.literal('nic-remove'), mac: MacAddress }),
    z
      .strictObject({
        kind: z.literal('nic-update'),
        mac: MacAddress,
        network: NetworkName.optional(),
        model: NicModel.optional(),
      })
      .refine((c) => c.network !== undefined || c.model !== undefined, {
        message: 'Give a network or a model to change',
        path: ['network'],
      }),
    /** An ISO volume into a CD-ROM (omitted target: the first CD-ROM, or a new one). */
    z.strictObject({
      kind: z.literal('cdrom-insert'),
      target: DiskTarget.optional(),
      pool: PoolName,
      volume: VolumeName,
    }),
    z.strictObject({ kind: z.literal('cdrom-eject'), target: DiskTarget }),
    z.strictObject({
      kind: z.literal('boot-order'),
      order: z
        .array(z.enum(BOOT_DEVICES, { message: 'Boot devices are hd, cdrom and network' }))
        .min(1, 'Name at least one boot device')
        .max(BOOT_DEVICES.length)
        .refine((a) => new Set(a).size === a.length, 'A boot device is named twice'),
    }),
    z.strictObject({ kind: z.literal('autostart'), enabled: z.boolean() }),
    z.strictObject({ kind: z.literal('description'), text: VmDescriptionText }),
    z.strictObject({ kind: z.literal('labels'), labels: Labels }),
  ],
  { message: 'Unknown kind of change' },
);
export type VmSettingsChange = z.output<typeof VmSettingsChange>;
export type VmSettingsChangeKind = VmSettingsChange['kind'];

/** Kinds that may appear at most once in a request. */
const SINGLE_KINDS: ReadonlySet<VmSettingsChangeKind> = new Set([
  'vcpus',
  'memory',
  'boot-order',
  'autostart',
  'description',
  'labels',
]);

/** What a change is about, for "no two changes touch the same thing" (kinds that may repeat: none). */
function subjectsOf(c: VmSettingsChange): string[] {
  if (SINGLE_KINDS.has(c.kind)) return [c.kind];
  const target = 'target' in c && c.target !== undefined ? [`target:${c.target}`] : [];
  switch (c.kind) {
    case 'disk-grow':
    case 'disk-detach':
    case 'cdrom-eject':
      return target;
    case 'cdrom-insert':
      return c.target === undefined ? ['cdrom-insert'] : target;
    case 'nic-remove':
    case 'nic-update':
      return [`mac:${c.mac}`];
    case 'disk-add-existing':
      return [...target, `volume:${c.pool}\u0000${c.volume}`];
    case 'disk-add-new':
      return c.name === undefined ? target : [...target, `volume:${c.pool}\u0000${c.name}`];
    default:
      return [];
  }
}

function describeSubject(subject: string): string {
  if (subject.startsWith('target:')) return `Two changes name disk ${subject.slice(7)}`;
  if (subject.startsWith('mac:')) return `Two changes name NIC ${subject.slice(4)}`;
  if (subject.startsWith('volume:')) return 'The same volume is attached twice';
  if (subject === 'cdrom-insert') return 'Two ISOs are inserted without naming their CD-ROMs';
  return `The ${subject} setting is changed twice`;
}

export const VmSettingsInput = z
  .strictObject({
    vmId: Id,
    changes: z
      .array(VmSettingsChange)
      .min(1, 'Make at least one change')
      .max(MAX_SETTINGS_CHANGES, `At most ${MAX_SETTINGS_CHANGES} changes at once`),
  })
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.changes.forEach((c, i) => {
      for (const subject of subjectsOf(c)) {
        if (seen.has(subject)) {
          ctx.addIssue({ code: 'custom', message: describeSubject(subject), path: ['changes', i] });
        }
        seen.add(subject);
      }
      if (c.kind === 'vcpus' && c.maximum !== undefined && c.current > c.maximum) {
        ctx.addIssue({
          code: 'custom',
          message: `${c.current} vCPUs is above the maximum of ${c.maximum}`,
          path: ['changes', i, 'current'],
        });
      }
      if (c.kind === 'memory' && c.maximumBytes !== undefined && c.currentBytes > c.maximumBytes) {
        ctx.addIssue({
          code: 'custom',
          message: 'Memory is above the maximum memory',
          path: ['changes', i, 'currentBytes'],
        });
      }
    });
  });
export type VmSettingsInput = z.output<typeof VmSettingsInput>;
export type VmSettingsRequest = z.input<typeof VmSettingsInput>;

/** When a change takes effect: at once on the running VM only, at its next boot, or both (now and kept). */
export type SettingsEffect = 'live' | 'next-boot' | 'both' | 'now';

/** One change as it will be made: what the Settings screen lists beside the XML diff. */
export interface VmSettingsChangeView {
  /** Its index in the request's change list. */
  readonly index: number;
  readonly kind: VmSettingsChangeKind;
  /** What it does, for the screen ("Memory 2 GiB → 4 GiB"). */
  readonly summary: string;
  readonly effect: SettingsEffect;
  /** Why it waits for the next boot on a running VM, when it does. */
  readonly note?: string;
}

/**
 * What applying a settings change would do now, or why it cannot (`vms.settingsPlan`): read from the VM's
 * host, changes nothing. `vms.updateSettings` makes the same plan again under the VM's lock.
 */
export interface VmSettingsPreview {
  readonly vmId: string;
  readonly running: boolean;
  /** The inactive definition now, and exactly what `virsh define` would get. */
  readonly xmlBefore: string;
  readonly xmlAfter: string;
  readonly changes: readonly VmSettingsChangeView[];
  /** Changes that cannot be made (index into the request; -1: the request as a whole). Any: nothing runs. */
  readonly refusals: readonly { readonly index: number; readonly message: string }[];
  /**
   * The growth checked by the scheduler's predicates on the VM's own host (memory, CPU overcommit, pool
   * space), with the same explanation as placement; null when the change grows nothing.
   */
  readonly fit: HostEvaluation | null;
  /** Volumes the change would create, grow or delete: `pool/name`. */
  readonly volumes: {
    readonly create: readonly string[];
    readonly grow: readonly string[];
    readonly delete: readonly string[];
  };
}
