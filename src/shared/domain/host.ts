import { z } from 'zod';
import { AcceleratorChoice, isCpuVariant, type CpuVariant } from './cpu';
import { checkLibvirtUri, isLocalLibvirtUri, libvirtUriProblem } from './libvirt-uri';
import { DisplayName, ProjectRef } from './names';

export const HOST_KINDS = ['libvirt', 'ssh'] as const;
export type HostKind = (typeof HOST_KINDS)[number];

export type HostState = 'connected' | 'disconnected' | 'error' | 'unknown';

/** What a sync learns about a host's hardware and hypervisor. */
export interface NodeFacts {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
  readonly mhz: number;
  readonly memoryBytes: number;
  readonly hostname: string;
  /** kvm only where domcapabilities says the accelerator works; otherwise guests run under qemu (TCG). */
  readonly domainType: 'kvm' | 'qemu';
  readonly uefiAvailable: boolean;
  readonly tpmAvailable: boolean;
  readonly libvirtVersion: string;
  /** CPU models domcapabilities lists as usable for the host's domain type (absent in older inventories). */
  readonly cpuModels?: readonly string[];
  /**
   * The Hyper-V enlightenments domcapabilities offers (features/hyperv; [] for none). Absent where it does
   * not say (libvirt before 9.0, older inventories): Windows guests then get the whole set.
   */
  readonly hypervFeatures?: readonly string[];
}

export interface StoragePool {
  readonly name: string;
  readonly uuid: string;
  readonly type: string;
  readonly path: string | null;
  readonly state: 'running' | 'inactive' | 'building' | 'degraded' | 'inaccessible' | 'unknown';
  readonly capacityBytes: number;
  readonly allocationBytes: number;
  readonly availableBytes: number;
}

export type VolumeKind = 'cloud-image' | 'iso' | 'disk';

export interface Volume {
  readonly pool: string;
  readonly name: string;
  readonly path: string;
  readonly format: string | null;
  readonly capacityBytes: number;
  readonly allocationBytes: number;
  readonly backingPath: string | null;
  readonly kind: VolumeKind;
}

export interface Network {
  readonly name: string;
  readonly uuid: string;
  readonly forward: string | null;
  readonly bridge: string | null;
  readonly active: boolean;
}

export interface DomainDisk {
  readonly device: 'disk' | 'cdrom' | 'floppy' | 'lun';
  readonly target: string;
  readonly bus: string | null;
  readonly source: string | null;
  readonly format: string | null;
  /** The backing chain below the source, nearest first. */
  readonly backingChain: readonly string[];
}

export interface DomainNic {
  readonly type: string;
  readonly source: string | null;
  readonly mac: string | null;
  readonly model: string | null;
}

export interface DomainInfo {
  readonly uuid: string;
  readonly name: string;
  readonly type: string;
  readonly vcpus: number;
  readonly memoryBytes: number;
  readonly disks: readonly DomainDisk[];
  readonly nics: readonly DomainNic[];
  /** `listen`: where the display listens (address or socket path); `exposed`: reachable beyond the host. */
  readonly graphics: readonly {
    type: string;
    port: number | null;
    listen: string | null;
    exposed: boolean;
  }[];
}

export const HostName = DisplayName;

// ---- Placement policy: how much of a host the scheduler may hand out ----

const MAX_RESERVED_CPUS = 4096;

/**
 * What the scheduler may place on a host: (total - reserve) x overcommit, CPU and memory each, minus what
 * the VMs holding capacity allocate (stopped ones too when reserveStoppedVms).
 *
 * Bounds:
 * - overcommit.cpu 0.1-32 vCPUs per logical CPU. Below 1 dedicates threads (0.5: a vCPU per core on a
 *   two-thread core); below 0.1 a 16-thread host could hold a single vCPU, a typo rather than a policy.
 *   Common defaults are 4 (OpenStack) to 16; past 32 vCPUs per thread every guest starves for CPU.
 * - overcommit.memory 0.5-4. Below 1 keeps headroom for the host's caches and QEMU's own overhead; below
 *   0.5 most of the memory would idle. Above 1 relies on ballooning, KSM or swap; past 4 guests that touch
 *   their memory would swap or be killed by the OOM killer.
 * - reserve: whole CPUs and bytes held back for the host itself. A reserve as big as the host leaves no
 *   capacity at all, which is how a host is kept out of placement without maintenance.
 */
export const HostPolicy = z.strictObject({
  reserve: z.strictObject({
    cpus: z
      .number({ message: 'Reserved CPUs must be a number' })
      .int('Reserved CPUs must be a whole number')
      .min(0, 'Reserved CPUs cannot be negative')
      .max(MAX_RESERVED_CPUS, `At most ${MAX_RESERVED_CPUS} reserved CPUs`),
    memoryBytes: z
      .number({ message: 'Reserved memory must be a number of bytes' })
      .int('Reserved memory must be a whole number of bytes')
      .min(0, 'Reserved memory cannot be negative')
      .max(Number.MAX_SAFE_INTEGER, 'Reserved memory is too large'),
  }),
  overcommit: z.strictObject({
    cpu: z
      .number({ message: 'CPU overcommit must be a number' })
      .min(0.1, 'CPU overcommit must be between 0.1 and 32')
      .max(32, 'CPU overcommit must be between 0.1 and 32'),
    memory: z
      .number({ message: 'Memory overcommit must be a number' })
      .min(0.5, 'Memory overcommit must be between 0.5 and 4')
      .max(4, 'Memory overcommit must be between 0.5 and 4'),
  }),
  /** Stopped VMs keep their CPU and memory booked, so starting them never overcommits the host. */
  reserveStoppedVms: z.boolean({ message: 'reserveStoppedVms must be true or false' }),
  /**
   * auto: KVM where the host offers it; kvm: only KVM (placement refuses the host without it); tcg: always
   * emulation, for a host whose KVM accepts domains but cannot run a real guest (some nested KVM).
   */
  accelerator: AcceleratorChoice,
});
export type HostPolicy = z.output<typeof HostPolicy>;

/** A host's policy until it is given one: 512 MiB held back, 4 vCPUs per CPU, no memory overcommit. */
export const DEFAULT_HOST_POLICY: HostPolicy = Object.freeze({
  reserve: Object.freeze({ cpus: 0, memoryBytes: 512 * 1024 ** 2 }),
  overcommit: Object.freeze({ cpu: 4, memory: 1 }),
  reserveStoppedVms: false,
  accelerator: 'auto',
});

/** A change to a host's policy: omitted keys (at any level) keep their current value. */
export const HostPolicyInput = z.strictObject({
  reserve: HostPolicy.shape.reserve.partial().optional(),
  overcommit: HostPolicy.shape.overcommit.partial().optional(),
  reserveStoppedVms: HostPolicy.shape.reserveStoppedVms.optional(),
  accelerator: HostPolicy.shape.accelerator.optional(),
});
export type HostPolicyInput = z.output<typeof HostPolicyInput>;

/** The policy after a change: each key given replaces the current one, the others stay. */
export function mergeHostPolicy(current: HostPolicy, change: HostPolicyInput): HostPolicy {
  return {
    reserve: { ...current.reserve, ...change.reserve },
    overcommit: { ...current.overcommit, ...change.overcommit },
    reserveStoppedVms: change.reserveStoppedVms ?? current.reserveStoppedVms,
    accelerator: change.accelerator ?? current.accelerator,
  };
}

/**
 * A stored policy (the hosts.policy JSON, '{}' for a host never given one) with the defaults filled in.
 * A key that is missing, or not valid (a row written by hand), takes its default: the scheduler always
 * gets a whole, sane policy.
 */
export function hostPolicyOf(stored: unknown): HostPolicy {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const part = <T>(schema: z.ZodType<T>, value: unknown, fallback: T): T => {
    const r = schema.safeParse(value);
    return r.success ? r.data : fallback;
  };
  const reserve = (s.reserve ?? {}) as Record<string, unknown>;
  const overcommit = (s.overcommit ?? {}) as Record<string, unknown>;
  const d = DEFAULT_HOST_POLICY;
  const r = HostPolicy.shape.reserve.shape;
  const o = HostPolicy.shape.overcommit.shape;
  return {
    reserve: {
      cpus: part(r.cpus, reserve.cpus, d.reserve.cpus),
      memoryBytes: part(r.memoryBytes, reserve.memoryBytes, d.reserve.memoryBytes),
    },
    overcommit: {
      cpu: part(o.cpu, overcommit.cpu, d.overcommit.cpu),
      memory: part(o.memory, overcommit.memory, d.overcommit.memory),
    },
    reserveStoppedVms: part(HostPolicy.shape.reserveStoppedVms, s.reserveStoppedVms, d.reserveStoppedVms),
    accelerator: part(HostPolicy.shape.accelerator, s.accelerator, d.accelerator),
  };
}

const Port = z.number().int().min(1, 'Port must be 1-65535').max(65535, 'Port must be 1-65535');
const Address = z
  .string()
  .trim()
  .min(1, 'Address is required')
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'Address must be a host name or an IP address');
const User = z
  .string()
  .trim()
  .min(1, 'User is required')
  .max(32)
  .regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'Not a valid user name');
/** Only URIs that run nothing and keep host-key checks on (see libvirt-uri.ts for what is refused). */
const LibvirtUri = z
  .string()
  .trim()
  .min(1, 'URI is required')
  .max(1024)
  .superRefine((uri, ctx) => {
    const problem = libvirtUriProblem(uri);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
/** The URI virsh opens on an SSH host: that host's own libvirt (no transport of its own). */
const SshHostLibvirtUri = LibvirtUri.refine((uri) => {
  const r = checkLibvirtUri(uri);
  return !r.ok || isLocalLibvirtUri(r.uri);
}, "On an SSH host, virsh opens the host's own libvirt: a local URI such as qemu:///system");

export const SshAuthInput = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('key'),
    /** Path of a private key file on this workstation. */
    keyFile: z.string().min(1, 'Key file is required').max(4096),
    passphrase: z.string().max(1024).optional(),
  }),
  z.strictObject({ method: z.literal('agent'), socket: z.string().max(4096).optional() }),
  z.strictObject({
    method: z.literal('password'),
    password: z.string().min(1, 'Password is required').max(1024),
  }),
]);

export const HostConnectionInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('libvirt'), uri: LibvirtUri }),
  z.strictObject({
    kind: z.literal('ssh'),
    address: Address,
    port: Port.default(22),
    user: User,
    auth: SshAuthInput,
    /** The libvirt URI virsh uses on the host. */
    uri: SshHostLibvirtUri.default('qemu:///system'),
    /** The user agrees to SHA-1 algorithms (ssh-rsa, hmac-sha1) for this host: only for OpenSSH < 7.2. */
    allowSha1: z.boolean().optional(),
  }),
]);

export const HostAddInput = z.strictObject({
  projectId: ProjectRef,
  name: HostName,
  connection: HostConnectionInput,
  /** The fingerprint the user accepted for an SSH host seen for the first time. */
  acceptFingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Not a SHA256 fingerprint')
    .optional(),
});

export type HostConnection = z.output<typeof HostConnectionInput>;

export interface HostSummary {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly kind: HostKind;
  readonly uri: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly user: string | null;
  readonly authMethod: 'key' | 'agent' | 'password' | null;
  /** SSH hosts: SHA-1 algorithms are allowed for this one (the user agreed; an old OpenSSH). */
  readonly allowSha1: boolean;
  readonly state: HostState;
  /** The inventory shows the last known state: the host could not be reached at the last try. */
  readonly stale: boolean;
  readonly lastSeen: string | null;
  readonly lastError: string | null;
  readonly maintenance: boolean;
  readonly facts: NodeFacts | null;
  readonly labels: Readonly<Record<string, string>>;
  /** What the scheduler may place here, defaults filled in. */
  readonly policy: HostPolicy;
  /** The guest CPU variant that last started under KVM here (creation records it); null until one has. */
  readonly cpuMode: CpuVariant | null;
  readonly vmCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredPool extends StoragePool {
  readonly id: string;
  readonly hostId: string;
}

export interface StoredNetwork extends Network {
  readonly id: string;
  readonly hostId: string;
}

export interface StoredVolume extends Volume {
  readonly id: string;
  readonly hostId: string;
}

export interface HostDetail {
  readonly host: HostSummary;
  readonly pools: readonly StoredPool[];
  readonly networks: readonly StoredNetwork[];
  readonly volumes: readonly StoredVolume[];
}

/** How main authenticates to an SSH host, as stored. Secrets are references into the SecretStore, never values. */
export type StoredAuth =
  | { method: 'key'; keyFile: string; passphraseRef?: string }
  | { method: 'agent'; socket?: string }
  | { method: 'password'; passwordRef: string };

export const HostIdInput = z.strictObject({ id: z.guid({ message: 'Must be an id' }) });
export const HostListInput = z.strictObject({ projectId: ProjectRef });
export const HostProbeInput = z.strictObject({
  address: Address,
  port: Port.default(22),
  allowSha1: z.boolean().optional(),
});
export const HostTestInput = z.strictObject({
  connection: HostConnectionInput,
  acceptFingerprint: HostAddInput.shape.acceptFingerprint,
});
export const HostUpdateInput = z.strictObject({
  id: z.guid({ message: 'Must be an id' }),
  name: HostName.optional(),
  connection: HostConnectionInput.optional(),
  acceptFingerprint: HostAddInput.shape.acceptFingerprint,
  /** Only the keys given change (see HostPolicyInput). */
  policy: HostPolicyInput.optional(),
});

export interface HostKeyProbe {
  readonly status: 'trusted' | 'unknown' | 'changed';
  /** SHA256:… as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  readonly keyType: string;
  /** For a changed key: the fingerprints trusted before. */
  readonly trusted: readonly string[];
}

export interface HostTestResult {
  readonly facts: NodeFacts;
  readonly domains: number;
  readonly pools: number;
  readonly networks: number;
}

export interface HostSyncReport {
  readonly hostId: string;
  readonly durationMs: number;
  /** Reading from the host, parsing, and writing the inventory. */
  readonly phases: { readonly readMs: number; readonly parseMs: number; readonly storeMs: number };
  readonly domains: number;
  readonly pools: number;
  readonly networks: number;
  readonly volumes: number;
  readonly warnings: readonly string[];
}

/** A stored cpu_mode column: a known variant, or null for anything else (a row written by hand). */
export function storedCpuVariant(v: string | null): CpuVariant | null {
  return v !== null && isCpuVariant(v) ? v : null;
}
