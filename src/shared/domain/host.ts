import { z } from 'zod';
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
  readonly graphics: readonly { type: string; port: number | null }[];
}

export const HostName = DisplayName;

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
const LibvirtUri = z
  .string()
  .trim()
  .min(1, 'URI is required')
  .max(1024)
  .regex(
    /^[a-z][a-z0-9+]*:\/\/[^\s'"`]*$/i,
    'Not a libvirt URI (for example qemu:///system or qemu+ssh://user@host/system)',
  );

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
    uri: LibvirtUri.default('qemu:///system'),
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
  readonly state: HostState;
  /** The inventory shows the last known state: the host could not be reached at the last try. */
  readonly stale: boolean;
  readonly lastSeen: string | null;
  readonly lastError: string | null;
  readonly maintenance: boolean;
  readonly facts: NodeFacts | null;
  readonly labels: Readonly<Record<string, string>>;
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
export const HostProbeInput = z.strictObject({ address: Address, port: Port.default(22) });
export const HostTestInput = z.strictObject({
  connection: HostConnectionInput,
  acceptFingerprint: HostAddInput.shape.acceptFingerprint,
});
export const HostUpdateInput = z.strictObject({
  id: z.guid({ message: 'Must be an id' }),
  name: HostName.optional(),
  connection: HostConnectionInput.optional(),
  acceptFingerprint: HostAddInput.shape.acceptFingerprint,
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
