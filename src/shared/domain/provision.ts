/**
 * Creating VMs: the one request schema shared by the wizard, the CLI (`qhci vm create`, `--from file.json`)
 * and the tests, and the task records that report the creation's progress.
 */
import { z } from 'zod';
import { AcceleratorChoice, CpuMode } from './cpu';
import { GUEST_PROFILE_IDS } from './guest-profiles';
import { CONTROL_CHARS, Id, ProjectRef, TEXT_CONTROL_CHARS } from './names';
import { NetworkName, PLACEMENT_STRATEGIES, PoolName } from './placement';
import { AdminPassword, HostnameTemplate, Labels, NetworkConfig, SshKeys, Timezone, UserData } from './spec';

/**
 * A libvirt domain name we accept: it also names volumes and files, so letters, digits, ".", "_" and "-",
 * starting with a letter or digit, at most 63 characters (bulk creation appends "-N").
 */
export const VM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const VmName = z
  .string({ message: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(63, 'Name must be at most 63 characters')
  .regex(
    VM_NAME_RE,
    'Name may contain only letters, digits, ".", "_" and "-", and must start with a letter or digit',
  );

/** A guest user name as useradd accepts it. */
export const GuestUserName = z
  .string()
  .trim()
  .min(1, 'User name is required')
  .max(32, 'User name must be at most 32 characters')
  .regex(
    /^[a-z_][a-z0-9_-]*$/,
    'User name must be lowercase letters, digits, "_" and "-", starting with a letter or "_"',
  )
  .refine((s) => s !== 'root', 'Use another name than root for the default user');

/** A volume name: never "-" first, which virsh could take for an option. */
export const VolumeName = z
  .string()
  .trim()
  .min(1, 'Volume is required')
  .max(255)
  .refine((s) => !s.includes('/') && !CONTROL_CHARS.test(s), 'Not a volume name')
  .refine((s) => !s.startsWith('-'), 'Volume name may not start with "-"');

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
const Bytes = z.number().int('Must be a whole number of bytes').max(Number.MAX_SAFE_INTEGER);

export const NewDisk = z.strictObject({
  kind: z.literal('new'),
  /** Omitted for the boot disk of a cloud image: the image's virtual size. */
  sizeBytes: Bytes.min(MiB, 'Disk size must be at least 1 MiB')
    .max(64 * 1024 * GiB, 'Disk size must be at most 64 TiB')
    .optional(),
  /** Omitted: the scheduler picks a pool on the chosen host. */
  pool: PoolName.optional(),
  thin: z.boolean().default(true),
});
export const ExistingDisk = z.strictObject({
  kind: z.literal('existing'),
  pool: PoolName,
  volume: VolumeName,
});
export const DiskSpec = z.discriminatedUnion('kind', [NewDisk, ExistingDisk], {
  message: 'A disk is either new or an existing volume',
});
export type DiskSpec = z.output<typeof DiskSpec>;

export const NIC_MODELS = ['virtio', 'e1000e', 'rtl8139'] as const;
export const NicSpec = z.strictObject({
  network: NetworkName,
  /** Omitted: the guest profile's model. */
  model: z.enum(NIC_MODELS, { message: `NIC model must be one of ${NIC_MODELS.join(', ')}` }).optional(),
});

export const BootMedia = z.discriminatedUnion(
  'kind',
  [
    /** A cloud image: the boot disk becomes a qcow2 overlay on it, and cloud-init is on. */
    z.strictObject({ kind: z.literal('cloud-image'), imageId: Id }),
    /** An installer ISO, attached as a SATA cdrom; boots from cdrom, then disk. */
    z.strictObject({ kind: z.literal('iso'), imageId: Id }),
    /** Blank disks; boots from disk, then network. */
    z.strictObject({ kind: z.literal('none') }),
  ],
  { message: 'Boot media is a cloud image, an ISO or none' },
);
export type BootMedia = z.output<typeof BootMedia>;

/** The customization: a spec, and per-VM overrides of its fields. */
export const Customization = z.strictObject({
  specId: Id.optional(),
  hostname: HostnameTemplate.optional(),
  timezone: Timezone.optional(),
  user: GuestUserName.optional(),
  sshKeys: SshKeys.optional(),
  /** Hashed (SHA-512 crypt) in main before anything is written; never stored or logged. */
  password: AdminPassword.optional(),
  installAgent: z.boolean().optional(),
  userData: UserData.optional(),
  /** merge: the spec's and this user-data are merged into what QHCI generates; raw: used exactly as given. */
  userDataMode: z.enum(['merge', 'raw']).default('merge'),
  networkConfig: NetworkConfig.optional(),
});
export type Customization = z.output<typeof Customization>;

export const MAX_CREATE_COUNT = 100;

export const CreateVmRequest = z
  .strictObject({
    projectId: ProjectRef,
    name: VmName,
    description: z
      .string()
      .max(1024, 'Description must be at most 1024 characters')
      .refine((s) => !TEXT_CONTROL_CHARS.test(s), 'Description may not contain control characters')
      .default(''),
    folderId: Id.optional(),
    placement: z
      .strictObject({
        /** Omitted: the scheduler chooses. Given: the scheduler still checks it. */
        hostId: Id.optional(),
        strategy: z.enum(PLACEMENT_STRATEGIES).default('spread'),
        /** An anti-affinity group: no two of its members on one host. */
        antiAffinityGroup: z
          .string()
          .trim()
          .min(1)
          .max(128)
          .regex(/^[A-Za-z0-9._-]+$/, 'Group names are letters, digits, ".", "_" and "-"')
          .optional(),
      })
      .default({ strategy: 'spread' }),
    count: z
      .number()
      .int('Count must be a whole number')
      .min(1, 'Count must be at least 1')
      .max(MAX_CREATE_COUNT, `Count must be at most ${MAX_CREATE_COUNT}`)
      .default(1),
    compute: z.strictObject({
      sockets: z
        .number()
        .int('Sockets must be a whole number')
        .min(1, 'At least 1 socket')
        .max(16, 'At most 16 sockets'),
      cores: z
        .number()
        .int('Cores must be a whole number')
        .min(1, 'At least 1 core')
        .max(128, 'At most 128 cores per socket'),
      memoryBytes: Bytes.min(64 * MiB, 'Memory must be at least 64 MiB').max(
        16 * 1024 * GiB,
        'Memory must be at most 16 TiB',
      ),
      /** auto (a fallback chain tried at start), host-passthrough, host-model, default or a model name. */
      cpuMode: CpuMode.default('auto'),
      /** auto: the host's policy; kvm or tcg override it for this VM. */
      accelerator: AcceleratorChoice.default('auto'),
    }),
    disks: z.array(DiskSpec).max(16, 'At most 16 disks').default([]),
    nics: z.array(NicSpec).max(8, 'At most 8 NICs').default([]),
    boot: BootMedia.default({ kind: 'none' }),
    profile: z.enum(GUEST_PROFILE_IDS, { message: 'Unknown guest OS profile' }).default('linux-generic'),
    /** auto: the guest profile's. A profile that needs secure boot (Windows 11) refuses bios. */
    firmware: z
      .enum(['auto', 'bios', 'uefi'], { message: 'Firmware must be auto, bios or uefi' })
      .default('auto'),
    customization: Customization.optional(),
    start: z.boolean().default(true),
    /** Wait for the guest agent to report an IP (and cloud-init to finish) before the task succeeds. */
    waitForReady: z
      .strictObject({ timeoutSeconds: z.number().int().min(5).max(3600).default(600) })
      .optional(),
    labels: Labels.default({}),
  })
  .superRefine((r, ctx) => {
    if (r.compute.sockets * r.compute.cores > 1024) {
      ctx.addIssue({
        code: 'custom',
        message: 'At most 1024 vCPUs (sockets x cores)',
        path: ['compute', 'cores'],
      });
    }
    if (r.count > 1 && r.name.length + 1 + String(r.count).length > 63) {
      ctx.addIssue({
        code: 'custom',
        message: `Name too long for ${r.count} VMs: "-${r.count}" is appended and names are at most 63 characters`,
        path: ['name'],
      });
    }
    const cloud = r.boot.kind === 'cloud-image';
    if (cloud && (r.disks.length === 0 || r.disks[0]!.kind !== 'new')) {
      ctx.addIssue({
        code: 'custom',
        message: 'A cloud image needs a new boot disk (the first disk): it becomes an overlay on the image',
        path: ['disks'],
      });
    }
    r.disks.forEach((d, i) => {
      if (d.kind === 'new' && d.sizeBytes === undefined && !(cloud && i === 0)) {
        ctx.addIssue({ code: 'custom', message: 'Disk size is required', path: ['disks', i, 'sizeBytes'] });
      }
    });
    const seen = new Set<string>();
    r.disks.forEach((d, i) => {
      if (d.kind !== 'existing') return;
      const key = `${d.pool}\u0000${d.volume}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          message: 'The same volume is attached twice',
          path: ['disks', i, 'volume'],
        });
      }
      seen.add(key);
    });
    if (r.count > 1 && r.disks.some((d) => d.kind === 'existing')) {
      ctx.addIssue({
        code: 'custom',
        message: 'An existing volume can belong to one VM only: create one VM, or use new disks',
        path: ['count'],
      });
    }
  });
export type CreateVmRequest = z.output<typeof CreateVmRequest>;
export type CreateVmRequestInput = z.input<typeof CreateVmRequest>;

export const VmCreateInput = z.strictObject({ request: CreateVmRequest });

// ---- Tasks ----

export const TASK_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const STEP_STATES = ['pending', 'running', 'done', 'failed', 'skipped', 'rolled-back'] as const;
export type StepState = (typeof STEP_STATES)[number];

export const CREATE_STEPS = [
  'validate',
  'place',
  'image',
  'disks',
  'seed',
  'define',
  'start',
  'ready',
  'done',
] as const;
export type CreateStepName = (typeof CREATE_STEPS)[number];

export const CREATE_STEP_LABELS: Readonly<Record<CreateStepName, string>> = {
  validate: 'Validate the request',
  place: 'Place and reserve capacity',
  image: 'Ensure the boot image is on the host',
  disks: 'Create the disks',
  seed: 'Build the cloud-init seed',
  define: 'Define the domain',
  start: 'Start the VM',
  ready: 'Wait until the guest is ready',
  done: 'Record the VM',
};

export interface TaskStep {
  readonly seq: number;
  readonly name: string;
  readonly state: StepState;
  readonly progress: number;
  readonly detail: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface TaskError {
  /** An AppError code, or INTERRUPTED when the app stopped while the task ran. */
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  /** What rollback removed, readable ("volume default/web-disk0.qcow2", "domain web"). */
  readonly rolledBack?: readonly string[];
}

export interface Task {
  readonly id: string;
  readonly projectId: string | null;
  readonly kind: string;
  readonly title: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly state: TaskState;
  /** True for a task the app found unfinished at start: it was rolled back and failed as interrupted. */
  readonly interrupted: boolean;
  readonly progress: number;
  readonly result: Readonly<Record<string, unknown>> | null;
  readonly error: TaskError | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly steps: readonly TaskStep[];
}

export const TaskListInput = z.strictObject({
  projectId: ProjectRef,
  limit: z.number().int().min(1).max(1000).default(200),
});
export const TaskGetInput = z.strictObject({ id: Id });

/** The result of vms.create: one task per VM, already running. */
export interface VmCreateStarted {
  readonly taskIds: readonly string[];
  readonly vmIds: readonly string[];
}

/** The main-side dry run the wizard's review step shows: exactly what would be used. */
export interface VmCreatePreviewItem {
  readonly name: string;
  readonly hostId: string;
  readonly hostName: string;
  readonly hostname: string | null;
  readonly domainXml: string;
  readonly userData: string | null;
  readonly metaData: string | null;
  readonly networkConfig: string | null;
}
export interface VmCreatePreview {
  readonly items: readonly VmCreatePreviewItem[];
}

// ---- Images ----

export interface ImageSummary {
  readonly id: string;
  readonly hostId: string | null;
  readonly hostName: string | null;
  readonly pool: string | null;
  readonly name: string;
  readonly path: string;
  readonly kind: 'cloud-image' | 'iso' | 'disk';
  readonly format: string | null;
  readonly virtualBytes: number | null;
  readonly allocationBytes: number | null;
  readonly backingPath: string | null;
  /** Overlays (VM disks) that use this image as their backing file: it cannot be deleted while > 0. */
  readonly usedBy: number;
  /** A disk volume attached to no domain: offered as an existing disk. */
  readonly attached: boolean;
}

export const ImageListInput = z.strictObject({
  projectId: ProjectRef,
  hostId: Id.optional(),
  kind: z.enum(['cloud-image', 'iso', 'disk']).optional(),
});

export const ImageUploadInput = z
  .strictObject({
    projectId: ProjectRef,
    hostId: Id,
    pool: PoolName,
    /** A file on the workstation… */
    sourcePath: z.string().trim().min(1).max(4096).optional(),
    /** …or an image on another host. */
    sourceImageId: Id.optional(),
    /** The volume name on the host; defaults to the source's file name. */
    name: VolumeName.optional(),
  })
  .refine((i) => (i.sourcePath === undefined) !== (i.sourceImageId === undefined), {
    message: 'Give either a local file or an image on another host',
    path: ['sourcePath'],
  });

export const ImageDeleteInput = z.strictObject({ id: Id });

export const VmDeleteInput = z.strictObject({
  vmId: Id,
  /** Also delete the VM's own volumes (its overlay, blank disks and seed); never a shared base image. */
  deleteDisks: z.boolean().default(true),
});
