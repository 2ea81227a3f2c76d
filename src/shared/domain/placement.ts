import { z } from 'zod';
import { CONTROL_CHARS, Id } from './names';

/**
 * Placement: where a new VM (or N of them) should run. The request comes from the wizard or the CLI, the
 * host snapshots from the inventory; src/main/scheduler turns both into a PlacementResult that explains
 * every host it looked at.
 */

export const PLACEMENT_STRATEGIES = ['spread', 'pack', 'balance'] as const;
export type PlacementStrategy = (typeof PLACEMENT_STRATEGIES)[number];

export const GROUP_MODES = ['affinity', 'anti-affinity'] as const;
export type GroupMode = (typeof GROUP_MODES)[number];

export const MAX_PLACEMENT_COUNT = 1000;

const Bytes = z.number().int('Must be a whole number of bytes').min(0).max(Number.MAX_SAFE_INTEGER);

function objectName(what: string, max = 255) {
  return z
    .string({ message: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), `${what} may not contain control characters`);
}

/** Pool and network names never start with "-", which virsh could take for an option. */
export const PoolName = objectName('Pool name').refine(
  (s) => !s.startsWith('-'),
  'Pool name may not start with "-"',
);
export const NetworkName = objectName('Network name').refine(
  (s) => !s.startsWith('-'),
  'Network name may not start with "-"',
);
export const GroupName = objectName('Group name', 128);
const LabelKey = objectName('Label key', 253);
const LabelValue = z
  .string()
  .max(253, 'Label value must be at most 253 characters')
  .refine((s) => !CONTROL_CHARS.test(s), 'Label value may not contain control characters');

export const DiskRequest = z.strictObject({
  sizeBytes: Bytes.min(1, 'Disk size must be positive'),
  /** A thin (qcow2, sparse) disk needs only a fraction of its size up front; a thick one all of it. */
  thin: z.boolean().default(true),
  /** The storage pool the disk must live in; without one the scheduler picks a pool on the host. */
  pool: PoolName.optional(),
});
export type DiskRequest = z.output<typeof DiskRequest>;

export const BootImageRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(255).optional(),
    path: z.string().trim().min(1).max(4096).optional(),
    /** What an upload to the host would take, when the image is not there yet. */
    sizeBytes: Bytes,
  })
  .refine((b) => b.name !== undefined || b.path !== undefined, {
    message: 'Boot image needs a name or a path',
    path: ['name'],
  });
export type BootImageRequest = z.output<typeof BootImageRequest>;

export const PlacementRequest = z.strictObject({
  vcpus: z
    .number()
    .int('vCPUs must be a whole number')
    .min(1, 'At least 1 vCPU')
    .max(1024, 'At most 1024 vCPUs'),
  memoryBytes: Bytes.min(1024 * 1024, 'Memory must be at least 1 MiB'),
  disks: z.array(DiskRequest).max(64, 'At most 64 disks').default([]),
  network: NetworkName.optional(),
  bootImage: BootImageRequest.optional(),
  firmware: z
    .strictObject({ uefi: z.boolean().default(false), tpm: z.boolean().default(false) })
    .default({ uefi: false, tpm: false }),
  /** Only hosts where the kvm accelerator works (otherwise a host running guests under TCG qualifies too). */
  requireKvm: z.boolean().default(false),
  /** Labels a host must carry, each with exactly this value. */
  labels: z.record(LabelKey, LabelValue).default({}),
  group: z
    .strictObject({
      name: GroupName,
      mode: z.enum(GROUP_MODES, { message: `Group mode must be one of ${GROUP_MODES.join(', ')}` }),
    })
    .optional(),
  /** When given, only these hosts (ids) qualify. */
  requiredHosts: z.array(Id).max(10_000).optional(),
  excludedHosts: z.array(Id).max(10_000).optional(),
  /** How many VMs to place (bulk creation). */
  count: z
    .number()
    .int('Count must be a whole number')
    .min(1, 'Count must be at least 1')
    .max(MAX_PLACEMENT_COUNT, `Count must be at most ${MAX_PLACEMENT_COUNT}`)
    .default(1),
  strategy: z
    .enum(PLACEMENT_STRATEGIES, { message: `Strategy must be one of ${PLACEMENT_STRATEGIES.join(', ')}` })
    .default('spread'),
  /** The host the user picked. It is still checked; no hard predicate is ever overridden. */
  manualHost: Id.optional(),
});
export type PlacementRequest = z.output<typeof PlacementRequest>;
export type PlacementRequestInput = z.input<typeof PlacementRequest>;

// ---- The snapshot of one host, as the scheduler sees it. null always means "not known". ----

const Count = z.number().min(0).max(Number.MAX_SAFE_INTEGER);

export const VmAllocation = z.strictObject({
  vcpus: Count.nullable(),
  memoryBytes: Bytes.nullable(),
  /** Running (or paused): it holds its CPU and memory. A stopped one does when the host reserves for it. */
  running: z.boolean(),
  /** The affinity / anti-affinity groups it belongs to. */
  groups: z.array(z.string()).default([]),
});
export type VmAllocation = z.output<typeof VmAllocation>;

export const PoolSnapshot = z.strictObject({
  name: z.string(),
  active: z.boolean(),
  availableBytes: Bytes.nullable(),
  capacityBytes: Bytes.nullable(),
});
export type PoolSnapshot = z.output<typeof PoolSnapshot>;

export const HostSnapshot = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  connected: z.boolean(),
  /** The last sync failed: what the inventory says may no longer be true. */
  stale: z.boolean(),
  maintenance: z.boolean(),
  labels: z.record(z.string(), z.string()).default({}),
  /** Logical CPUs (threads). */
  cpus: Count.nullable(),
  memoryBytes: Bytes.nullable(),
  /** Held back for the host itself. */
  reserve: z.strictObject({ cpus: Count, memoryBytes: Bytes }),
  /** Ratios applied to what is left after the reserve: 4 means four vCPUs per CPU. */
  overcommit: z.strictObject({ cpu: z.number().positive(), memory: z.number().positive() }),
  /** Stopped VMs keep their CPU and memory booked. */
  reserveStoppedVms: z.boolean(),
  vms: z.array(VmAllocation),
  pools: z.array(PoolSnapshot),
  networks: z.array(z.strictObject({ name: z.string(), active: z.boolean() })),
  /** Boot images (cloud images, ISOs) already on the host. */
  images: z.array(z.strictObject({ name: z.string(), path: z.string() })),
  uefiAvailable: z.boolean().nullable(),
  tpmAvailable: z.boolean().nullable(),
  /** Whether KVM is usable on the host (what it offers; its policy may still say TCG). */
  kvmUsable: z.boolean().nullable(),
  /** The host's accelerator policy: kvm takes no VM while KVM is not usable; tcg never runs guests under KVM. */
  acceleratorPolicy: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
});
export type HostSnapshot = z.output<typeof HostSnapshot>;

/** Capacity held for a placement whose creation has not finished (or failed) yet. */
export const Reservation = z.strictObject({
  hostId: z.string().min(1),
  vcpus: Count,
  memoryBytes: Bytes,
  /** Bytes held per storage pool name. */
  pools: z.record(z.string(), Bytes).default({}),
  /** The group the VM will belong to: it counts for affinity and anti-affinity already. */
  group: z.string().optional(),
});
export type Reservation = z.output<typeof Reservation>;

// ---- The answer. ----

export interface ScoreBreakdown {
  /** The strategy's own score, 0-10. */
  readonly strategy: number;
  readonly strategyName: PlacementStrategy;
  /** poolMatch + poolFree. */
  readonly poolAffinity: number;
  /** (required pools the host has / required pools) x 10; 0 when no disk names a pool. */
  readonly poolMatch: number;
  /** 0-5: the free fraction of the fullest pool this VM would land in, after it lands. */
  readonly poolFree: number;
  /** 5 when the boot image is already on the host (no upload). */
  readonly imagePresent: number;
  /** 5 when the kvm accelerator works on the host. */
  readonly accelerator: number;
  /** The weighted sum; higher is better. Ties go to the host name, then its id. */
  readonly total: number;
}

export interface HostEvaluation {
  readonly hostId: string;
  readonly hostName: string;
  readonly feasible: boolean;
  /** Every failing predicate, readable. Empty when feasible. */
  readonly reasons: readonly string[];
  /** Names of the failing predicates (e.g. "cpu-memory", "pool-affinity"). */
  readonly failed: readonly string[];
  readonly scores: ScoreBreakdown;
  /** Free vCPUs and memory before this placement (reservations applied); null when unknown. */
  readonly free: { readonly vcpus: number | null; readonly memoryBytes: number | null };
  /** How many of this request's VMs went to this host. */
  readonly placed: number;
}

/** Where one VM goes. */
export interface VmPlacement {
  readonly hostId: string;
  readonly hostName: string;
  /** The storage pool of each disk, in the request's order. */
  readonly diskPools: readonly string[];
  /** Bytes needed per pool (disks, plus the boot image upload when the host lacks it): what to reserve. */
  readonly poolBytes: Readonly<Record<string, number>>;
  /** The boot image has to be uploaded to this host. */
  readonly uploadImage: boolean;
}

export interface PlacementResult {
  /** One host id per VM (count of them). */
  readonly chosen: readonly string[];
  readonly placements: readonly VmPlacement[];
  /**
   * Every host as evaluated for the first VM, best first (feasible by score, then the rest by name), with
   * how many of the VMs it received.
   */
  readonly table: readonly HostEvaluation[];
}

export const PLACEMENT_FAILURE_KINDS = [
  'no-feasible-host',
  'manual-host-infeasible',
  'manual-host-unknown',
] as const;
export type PlacementFailureKind = (typeof PLACEMENT_FAILURE_KINDS)[number];

/** Why a placement failed, with the whole table: data that may cross the IPC boundary as is. */
export interface PlacementFailure {
  readonly kind: PlacementFailureKind;
  /** Starts with "No feasible nodes found" for no-feasible-host. */
  readonly message: string;
  /** Which VM of a bulk request could not be placed (0-based). */
  readonly index: number;
  /** Hosts chosen for the VMs before it. */
  readonly placed: readonly string[];
  /** Every host as evaluated for the VM that failed. */
  readonly table: readonly HostEvaluation[];
}

export type PlacementOutcome =
  | { readonly ok: true; readonly result: PlacementResult }
  | { readonly ok: false; readonly failure: PlacementFailure };

/** The messages the troubleshooting guide promises. */
export const PLACEMENT_MESSAGES = {
  noFeasibleNodes: 'No feasible nodes found',
  missingPool: 'Node does not have required storage pool',
  insufficient: 'Insufficient resources',
} as const;
