/**
 * The operations the contract maps to, built on one engine: VM creation (preview and create), VM deletion,
 * image upload and deletion, VM snapshots, VM clones; crash reconciliation of any of them; drain and close for the process's end.
 */
import type { ImagesRepo } from '../inventory/images.repo';
import type { TemplateBasesRepo } from '../inventory/template-bases.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from '../services/events';
import type { HostsService } from '../services/hosts';
import { createEngine } from '../tasks/engine';
import type { TaskLog } from '../tasks/task-log';
import type { CreateOptions } from './create/context';
import { createVmCreation } from './create';
import { DEFAULT_LIFE_TIMEOUT_MS } from './create/signs-of-life';
import type { PlanDeps } from './create/plan';
import { createVmDeletion } from './delete-vm';
import { HostOps } from './host-ops';
import { createImageOps } from './images';
import { createSnapshotOps } from './snapshots';
import { createCloneOps } from './clone';
import { createSettingsOps } from './settings';
import { createTemplateOps, refuseTemplateDelete } from './template';
import { createMigrationOps, type MigrationOps } from './migrate';
import { createMaintenanceOps } from './maintenance';
import type { Engine } from '../tasks/engine';
import type { VmMoveRepo } from '../inventory/vm-move.repo';

export interface OperationsOptions extends Partial<CreateOptions> {
  /** How long rollback keeps retrying a host that does not answer (sshd restarting, a network blip). */
  readonly rollbackRetryMs?: number;
  /** How long "convert to template" waits for a guest to shut down (default 3 min). */
  readonly shutdownTimeoutMs?: number;
}

export interface OperationsDeps extends PlanDeps {
  readonly hostsService: HostsService;
  readonly vmsRepo: VmsRepo;
  readonly imagesRepo: ImagesRepo;
  /** A template's bases copied to other hosts (linked clones there). */
  readonly templateBases: TemplateBasesRepo;
  /** A migrated VM's row, kept across the move. */
  readonly vmMove: VmMoveRepo;
  readonly tasks: TaskLog;
  readonly events: AppEvents;
  readonly log: (msg: string) => void;
  readonly options?: OperationsOptions;
}

/** A host's operations, its connection opened first. */
const hostOpsFor =
  (hostsService: HostsService) =>
  async (hostId: string): Promise<HostOps> => {
    const d = await hostsService.driverFor(hostId);
    await d.connect();
    return new HostOps(d);
  };

/** Maintenance mode, its VMs moved by the migration operation. */
function maintenanceFor(
  deps: OperationsDeps,
  engine: Engine,
  opsFor: (hostId: string) => Promise<HostOps>,
  migrations: MigrationOps,
) {
  return createMaintenanceOps({
    vms: deps.vmsRepo,
    images: deps.imagesRepo,
    hostInventory: deps.hostInventory,
    placement: deps.placement,
    reservations: deps.reservations,
    hosts: deps.hosts,
    events: deps.events,
    engine,
    opsFor,
    migrate: (input) => migrations.start({ ...input, transport: 'auto' }),
  });
}

export function createOperations(deps: OperationsDeps) {
  const engine = createEngine({
    tasks: deps.tasks,
    log: deps.log,
    rollbackRetryMs: deps.options?.rollbackRetryMs ?? 120_000,
  });
  const opsFor = hostOpsFor(deps.hostsService);
  const creation = createVmCreation({
    ...deps,
    engine,
    opsFor,
    options: {
      readyPollMs: deps.options?.readyPollMs ?? 2000,
      lifeTimeoutMs: deps.options?.lifeTimeoutMs ?? DEFAULT_LIFE_TIMEOUT_MS,
    },
  });
  const deletion = createVmDeletion({
    vms: deps.vmsRepo,
    images: deps.imagesRepo,
    templateBases: deps.templateBases,
    hostsService: deps.hostsService,
    events: deps.events,
    opsFor,
    engine,
  });
  const images = createImageOps({ ...deps, vms: deps.vmsRepo, opsFor, engine });
  const vmOpsDeps = {
    vms: deps.vmsRepo,
    hostInventory: deps.hostInventory,
    hostsService: deps.hostsService,
    events: deps.events,
    opsFor,
    engine,
  };
  const snapshots = createSnapshotOps(vmOpsDeps);
  const clones = createCloneOps({
    ...vmOpsDeps,
    hosts: deps.hosts,
    imagesRepo: deps.imagesRepo,
    placement: deps.placement,
    reservations: deps.reservations,
    templateBases: deps.templateBases,
  });
  const settings = createSettingsOps({
    ...vmOpsDeps,
    placement: deps.placement,
    reservations: deps.reservations,
  });
  const templates = createTemplateOps({
    ...vmOpsDeps,
    ...(deps.options?.shutdownTimeoutMs ? { shutdownTimeoutMs: deps.options.shutdownTimeoutMs } : {}),
  });
  const migrations = createMigrationOps({
    ...vmOpsDeps,
    vmMove: deps.vmMove,
    hosts: deps.hosts,
    placement: deps.placement,
  });
  return {
    engine,
    preview: creation.preview,
    create: creation.create,
    upload: images.upload,
    deleteImage: images.deleteImage,
    deleteVm: (vmId: string, deleteDisks: boolean) => {
      refuseTemplateDelete(deps.vmsRepo, vmId);
      return deletion.deleteVm(vmId, deleteDisks);
    },
    /** A VM's snapshots: list, plan, and create, revert, delete as tasks. */
    snapshots,
    /** Full clones of shut-off VMs, as tasks. */
    clones,
    /** Convert to template and detach from template, as tasks. */
    templates,
    /** A VM's settings: the preview of a change, and the change as a task. */
    settings,
    /** Migration of a VM to another host: the preflight, and the move as a task. */
    migrations,
    /** A host's maintenance mode: the evacuation plan, entering it as a task, leaving it. */
    maintenance: maintenanceFor(deps, engine, opsFor, migrations),
    /** Rolls back tasks whose process is gone; resolves with how many. */
    reconcile: () => engine.reconcile(),
    /** Waits for every task this process runs (the CLI before it exits; tests). */
    drain: () => engine.drain(),
    close: () => engine.close(),
  };
}

export type Operations = ReturnType<typeof createOperations>;
