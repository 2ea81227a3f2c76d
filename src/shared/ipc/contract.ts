/**
 * The single source of truth for everything that crosses from the UI (or the CLI, or a test) into main:
 * each channel's zod input schema and its output type, and each push event's payload type.
 */
import {
  ConsoleOpenInput,
  ConsoleResizeInput,
  ConsoleSessionInput,
  VmScreenshotInput,
  type ConsoleOpened,
  type VmScreenshot,
} from '../domain/console';
import { FilePickInput, type PickedFile } from '../domain/files';
import { VmCloneInput, type VmCloneStarted } from '../domain/clone';
import { VmConvertToTemplateInput, VmDetachInput } from '../domain/template';
import { VmMigrateInput, type MigrationPreflight } from '../domain/migration';
import { HostMaintenanceInput, type EvacuationPlan } from '../domain/evacuation';
import { VmSettingsInput, type VmSettingsPreview } from '../domain/vm-settings';
import {
  SnapshotCreateInput,
  SnapshotDeleteInput,
  SnapshotListInput,
  SnapshotPlanInput,
  SnapshotRevertInput,
  type SnapshotPlan,
  type SnapshotTree,
} from '../domain/snapshot';
import { z } from 'zod';
import {
  FolderCreateInput,
  FolderDeleteInput,
  FolderGetInput,
  FolderMoveInput,
  FolderRenameInput,
  FolderTreeInput,
  ProjectCreateInput,
  VmMoveToFolderInput,
  type Folder,
  type FolderDeleteResult,
  type FolderNode,
  type Project,
  type VmMoveResult,
} from '../domain/folder';
import {
  SpecCreateInput,
  SpecDeleteInput,
  SpecDuplicateInput,
  SpecGetInput,
  SpecListInput,
  SpecUpdateInput,
  type CustomizationSpec,
} from '../domain/spec';
import {
  HostAddInput,
  HostIdInput,
  HostListInput,
  HostProbeInput,
  HostTestInput,
  HostUpdateInput,
  type HostDetail,
  type HostKeyProbe,
  type HostSummary,
  type HostSyncReport,
  type HostTestResult,
} from '../domain/host';
import { installMessages } from '../domain/messages';
import { PlacementRequest, type PlacementOutcome } from '../domain/placement';
import { ProjectRef } from '../domain/names';
import {
  ImageDeleteInput,
  ImageListInput,
  ImageUploadInput,
  TaskGetInput,
  TaskListInput,
  VmCreateInput,
  VmDeleteInput,
  type ImageSummary,
  type Task,
  type VmCreatePreview,
  type VmCreateStarted,
} from '../domain/provision';
import { AppSettings, type AppSettingsValue } from '../domain/settings';
import {
  UsageHistoryInput,
  UsageUnwatchInput,
  UsageWatchInput,
  type UsageHistory,
  type UsageSample,
} from '../domain/usage';
import {
  VmGetInput,
  VmListInput,
  VmPowerInput,
  VmFixCpuInput,
  VmGuestInput,
  type VmFixCpuResult,
  type VmGuestStatus,
  type VmDetail,
  type VmState,
  type VmSummary,
} from '../domain/vm';
import type { ChannelName, EventName } from './channels';

installMessages();

/** A type-only marker for a channel's output. */
function out<T>(): T {
  return undefined as T;
}

interface ChannelDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  readonly output: O;
  /** True when the call changes the inventory (used by tests and the CLI's --dry-run). */
  readonly mutates: boolean;
}

const Empty = z.strictObject({});

export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  readonly schemaVersion: number;
  /**
   * What protects host passwords and passphrases: the OS keychain (shared by the app and `qhci`), a file
   * encrypted by the app's safeStorage, or the visible fallback of a plain 0600 file.
   */
  readonly secretStorage: 'keychain' | 'encrypted-file' | 'plain-file' | 'memory';
}

export const contract = {
  'app.info': { input: Empty, output: out<AppInfo>(), mutates: false },
  'projects.list': { input: Empty, output: out<Project[]>(), mutates: false },
  'projects.create': { input: ProjectCreateInput, output: out<Project>(), mutates: true },
  'folders.tree': { input: FolderTreeInput, output: out<FolderNode>(), mutates: false },
  'folders.get': { input: FolderGetInput, output: out<Folder>(), mutates: false },
  'folders.create': { input: FolderCreateInput, output: out<Folder>(), mutates: true },
  'folders.rename': { input: FolderRenameInput, output: out<Folder>(), mutates: true },
  'folders.move': { input: FolderMoveInput, output: out<Folder>(), mutates: true },
  'folders.delete': { input: FolderDeleteInput, output: out<FolderDeleteResult>(), mutates: true },
  'hosts.list': { input: HostListInput, output: out<HostSummary[]>(), mutates: false },
  'hosts.get': { input: HostIdInput, output: out<HostDetail>(), mutates: false },
  'hosts.probe': { input: HostProbeInput, output: out<HostKeyProbe>(), mutates: false },
  'hosts.test': { input: HostTestInput, output: out<HostTestResult>(), mutates: false },
  'hosts.add': { input: HostAddInput, output: out<HostSummary>(), mutates: true },
  'hosts.update': { input: HostUpdateInput, output: out<HostSummary>(), mutates: true },
  'hosts.remove': { input: HostIdInput, output: out<{ removed: true }>(), mutates: true },
  'hosts.sync': { input: HostIdInput, output: out<HostSyncReport>(), mutates: true },
  /** Opens the connection to a host now (otherwise it opens on first use); fails with the reason. */
  'hosts.connect': { input: HostIdInput, output: out<{ connected: true }>(), mutates: false },
  /**
   * The plan for emptying a host for maintenance, changing nothing: a destination per VM (capacity, pools
   * and anti-affinity across the whole plan) and the VMs that cannot move, with why.
   */
  'hosts.maintenancePlan': { input: HostIdInput, output: out<EvacuationPlan>(), mutates: false },
  /** Marks the host in maintenance and migrates its VMs away a few at a time, as a task. */
  'hosts.enterMaintenance': { input: HostMaintenanceInput, output: out<{ taskId: string }>(), mutates: true },
  /** The host takes new VMs again. */
  'hosts.exitMaintenance': { input: HostIdInput, output: out<HostSummary>(), mutates: true },
  /** Forgets a trusted SSH host key (a rebuilt host); the next connection asks to trust the new one. */
  'hosts.forgetKey': { input: HostProbeInput, output: out<{ forgotten: true }>(), mutates: true },
  /** First run: the workstation's own libvirt, when it answers and is not in the inventory yet. */
  'hosts.suggestLocal': { input: Empty, output: out<{ uri: string } | null>(), mutates: false },
  /** The scheduler's dry run: where the VMs would go now and why, for every host. Books nothing. */
  'scheduler.place': {
    input: z.strictObject({ projectId: ProjectRef, request: PlacementRequest }),
    output: out<PlacementOutcome>(),
    mutates: false,
  },
  'vms.list': { input: VmListInput, output: out<VmSummary[]>(), mutates: false },
  'vms.moveToFolder': { input: VmMoveToFolderInput, output: out<VmMoveResult>(), mutates: true },
  'vms.power': { input: VmPowerInput, output: out<{ state: VmState }>(), mutates: true },
  /**
   * For a shut-off VM whose start its host refused for the CPU: redefines it with the automatic CPU chain
   * until a mode starts (the original definition is restored if none does). Only on the user's request.
   */
  'vms.fixCpu': { input: VmFixCpuInput, output: out<VmFixCpuResult>(), mutates: true },
  /** A running VM's signs of life, read from its host now: agent, addresses, DHCP lease. */
  'vms.guest': { input: VmGuestInput, output: out<VmGuestStatus>(), mutates: false },
  'vms.get': { input: VmGetInput, output: out<VmDetail>(), mutates: false },
  /** Starts one creation task per VM (count of them) and returns at once; progress comes as task.progress. */
  'vms.create': { input: VmCreateInput, output: out<VmCreateStarted>(), mutates: true },
  /** The review step: the domain XML and cloud-init documents that would be used, from a dry run. */
  'vms.preview': { input: VmCreateInput, output: out<VmCreatePreview>(), mutates: false },
  /** Stops (if needed) and undefines the domain, deletes its own volumes, forgets the VM. */
  'vms.delete': { input: VmDeleteInput, output: out<{ deleted: true }>(), mutates: true },
  /**
   * Clones of a shut-off VM, one task each (started in name order): full (its writable disks copied) or linked
   * (qcow2 overlays on a template's disks); on its host, or placed by the scheduler (to another host the disks
   * travel checksum-verified). Every name and pool is checked before any task starts: a refusal is the error.
   */
  'vms.clone': { input: VmCloneInput, output: out<VmCloneStarted>(), mutates: true },
  /**
   * Makes a VM a template, as a task under its lock: a running VM is shut down first only with shutDown (the
   * app asks); its disks become read-only bases; it is never started again. A refusal (snapshots, not files,
   * running without consent) is the error.
   */
  'vms.convertToTemplate': {
    input: VmConvertToTemplateInput,
    output: out<{ taskId: string }>(),
    mutates: true,
  },
  /** Turns a shut-off linked clone into a full VM (its disks rebased onto no backing), as a task. */
  'vms.detach': { input: VmDetachInput, output: out<{ taskId: string }>(), mutates: true },
  /**
   * What migrating the VM would do now, changing nothing: the destination (given, or the scheduler's choice)
   * with the scheduler's judgement, every check of both hosts, and the files placed there first.
   */
  'vms.migratePreflight': { input: VmMigrateInput, output: out<MigrationPreflight>(), mutates: false },
  /** Migrates the VM (live when it runs, cold when shut off) as a task; the preflight runs again first. */
  'vms.migrate': { input: VmMigrateInput, output: out<{ taskId: string }>(), mutates: true },
  /**
   * What a settings change would do now, or why it cannot: the inactive XML before and after (exactly what
   * `virsh define` would get), each change live or at next boot, the volumes it makes, grows and deletes, and
   * the growth checked by the scheduler on the VM's host. Read from the host; changes nothing.
   */
  'vms.settingsPlan': { input: VmSettingsInput, output: out<VmSettingsPreview>(), mutates: false },
  /**
   * Makes a settings change as a task under the VM's lock: planned again there (a refusal fails it), new
   * volumes, the new definition, the running VM's live changes, autostart, the inventory, then the volumes of
   * detached disks deleted. A failure restores the previous definition and removes the volumes it created.
   */
  'vms.updateSettings': { input: VmSettingsInput, output: out<{ taskId: string }>(), mutates: true },
  /** A PNG of the VM's screen now (the VM page's thumbnail; `qhci vm screenshot`). */
  'vms.screenshot': { input: VmScreenshotInput, output: out<VmScreenshot>(), mutates: false },
  /** A VM's snapshots as a tree, the current one marked, read from its host now. */
  'snapshots.list': { input: SnapshotListInput, output: out<SnapshotTree>(), mutates: false },
  /**
   * What taking a snapshot would do now (mode, memory size against the pool's free space) or why it cannot:
   * what the UI shows before the user confirms. Changes nothing.
   */
  'snapshots.plan': { input: SnapshotPlanInput, output: out<SnapshotPlan>(), mutates: false },
  /** Takes a snapshot as a task under the VM's lock; a refusal (mode, space, name taken) is the error. */
  'snapshots.create': { input: SnapshotCreateInput, output: out<{ taskId: string }>(), mutates: true },
  /** Reverts the VM to a snapshot as a task (the confirmation is the caller's). */
  'snapshots.revert': { input: SnapshotRevertInput, output: out<{ taskId: string }>(), mutates: true },
  /** Deletes snapshots as one task; their data merges into their children. */
  'snapshots.delete': { input: SnapshotDeleteInput, output: out<{ taskId: string }>(), mutates: true },
  /**
   * Opens a VM's graphical (VNC) or serial console. The bytes do not come back here: the transport hands
   * the caller a MessagePort for the session (src/shared/ipc/streams.ts).
   */
  'consoles.open': { input: ConsoleOpenInput, output: out<ConsoleOpened>(), mutates: false },
  'consoles.resize': { input: ConsoleResizeInput, output: out<{ resized: true }>(), mutates: false },
  'consoles.close': { input: ConsoleSessionInput, output: out<{ closed: true }>(), mutates: false },
  'tasks.list': { input: TaskListInput, output: out<Task[]>(), mutates: false },
  'tasks.get': { input: TaskGetInput, output: out<Task>(), mutates: false },
  'images.list': { input: ImageListInput, output: out<ImageSummary[]>(), mutates: false },
  /** Uploads a workstation file or another host's image into a pool, as a task with progress. */
  'images.upload': { input: ImageUploadInput, output: out<{ taskId: string }>(), mutates: true },
  /**
   * Opens main's own file dialog and returns an opaque token for the chosen file (null: cancelled). Calls from
   * the window name workstation files only by such tokens (an image to upload, a key, an agent socket).
   */
  'files.pick': { input: FilePickInput, output: out<PickedFile>(), mutates: false },
  /** Deletes a volume; refused while overlays use it as their backing file or a VM has it attached. */
  'images.delete': { input: ImageDeleteInput, output: out<{ deleted: true }>(), mutates: true },
  'settings.get': { input: Empty, output: out<AppSettingsValue>(), mutates: false },
  'settings.update': { input: AppSettings, output: out<AppSettingsValue>(), mutates: true },
  'specs.list': { input: SpecListInput, output: out<CustomizationSpec[]>(), mutates: false },
  'specs.get': { input: SpecGetInput, output: out<CustomizationSpec>(), mutates: false },
  'specs.create': { input: SpecCreateInput, output: out<CustomizationSpec>(), mutates: true },
  'specs.update': { input: SpecUpdateInput, output: out<CustomizationSpec>(), mutates: true },
  'specs.delete': { input: SpecDeleteInput, output: out<{ deleted: true }>(), mutates: true },
  'specs.duplicate': { input: SpecDuplicateInput, output: out<CustomizationSpec>(), mutates: true },
  /**
   * Asks main to poll the live usage of these hosts (every host when none are named) for a lease; calling
   * again with the watchId before it lapses renews it. Samples come as `usage.sample`.
   */
  'usage.watch': {
    input: UsageWatchInput,
    output: out<{ watchId: string; hostIds: string[] }>(),
    mutates: false,
  },
  /** Ends a watch at once (one that lapsed already is fine too). */
  'usage.unwatch': { input: UsageUnwatchInput, output: out<{ unwatched: true }>(), mutates: false },
  /** The last hour of a host's or a VM's usage, downsampled: what main polled while it was watched. */
  'usage.history': { input: UsageHistoryInput, output: out<UsageHistory>(), mutates: false },
} as const satisfies Record<ChannelName, ChannelDef>;

export type InventoryEntity = 'projects' | 'folders' | 'vms' | 'specs' | 'hosts' | 'tasks' | 'images';

export const events = {
  'inventory.changed': out<{ entity: InventoryEntity; projectId: string | null }>(),
  /** A VM's power state changed (an event from its host, or a power operation). */
  'vm.state': out<{ vmId: string; hostId: string; state: VmState }>(),
  /** A task started, moved a step, finished or failed: the whole task as it is now. */
  'task.progress': out<{ task: Task }>(),
  /** A watched host was polled (or its poll failed): its usage now, VMs by id. */
  'usage.sample': out<UsageSample>(),
} as const satisfies Record<EventName, unknown>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
/** What a caller passes (defaults may be omitted). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What a handler receives after parsing (defaults filled, strings trimmed). */
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = Contract[C]['output'];
export type Events = typeof events;
export type EventPayload<E extends keyof Events> = Events[E];

// Both lists in channels.ts must name exactly the contract's keys.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatch: Exact<ChannelName, Channel> = true;
const eventsMatch: Exact<EventName, keyof Events> = true;
void channelsMatch;
void eventsMatch;
