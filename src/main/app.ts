/**
 * Composition root: open the inventory, migrate, build the services, and expose them as the contract's
 * handlers. Used by Electron's main, the CLI and the tests alike; it never imports electron.
 */
import { openDisplay } from './consoles/display';
import { screenshot as takeScreenshot } from './consoles/screenshot';
import { openSerial } from './consoles/serial';
import { ConsoleSessions } from './consoles/sessions';
import { createVmScreenshot, type VmScreenshotService } from './consoles/vm-screenshot';
import { join } from 'node:path';
import type { EventName } from '../shared/ipc/channels';
import type { AppInfo } from '../shared/ipc/contract';
import { createDispatch, type Dispatch, type Handlers } from './ipc/dispatch';
import { createFileTokens, type FilePicker } from './ipc/file-tokens';
import { createHandlers } from './ipc/handlers';
import { openInventory, type Inventory } from './inventory/db';
import { createFoldersRepo } from './inventory/folders.repo';
import { createProjectsRepo } from './inventory/projects.repo';
import { KnownHosts } from './hosts/known-hosts';
import { FileSecretStore, type SecretStore } from './hosts/secrets';
import { createHostInventoryRepo } from './inventory/host-inventory.repo';
import { createHostsRepo } from './inventory/hosts.repo';
import { createSnapshotRepo } from './inventory/snapshot.repo';
import { createSpecsRepo } from './inventory/specs.repo';
import { createVmsRepo, type VmsRepo } from './inventory/vms.repo';
import { createVmMoveRepo } from './inventory/vm-move.repo';
import { createImagesRepo } from './inventory/images.repo';
import { createSettingsRepo } from './inventory/settings.repo';
import { createTasksRepo } from './inventory/tasks.repo';
import { createTemplateBasesRepo } from './inventory/template-bases.repo';
import { createOperations, type Operations, type OperationsOptions } from './operations';
import { PROCESS_OWNER, TaskLog, type Checkpoint } from './tasks/task-log';
import type { Lock } from './tasks/engine';
import { localOwnerIsDead } from './tasks/ownership';
import { createCapacityBook } from './services/reservations';
import { createReservationsRepo } from './inventory/reservations.repo';
import { createCpuFix } from './operations/cpu-fix';
import { createGuestStatus } from './operations/guest-status';
import type { AppSettingsValue } from '../shared/domain/settings';
import { AppEvents } from './services/events';
import { createFoldersService } from './services/folders';
import { createHostMonitor } from './services/host-monitor';
import { createHostsService, type HostsService } from './services/hosts';
import { createPlacementService, type PlacementService } from './services/placement';
import { createProjectsService } from './services/projects';
import { createSpecsService } from './services/specs';
import { createUsageService, type UsageService } from './services/usage';
import { createVmPower } from './services/vm-power';

export interface AppOptions {
  /** Directory for the inventory (qhci.db) and other per-user state. */
  readonly dataDir: string;
  readonly migrationsDir: string;
  readonly version?: string;
  /** Use this database file instead of dataDir/qhci.db (':memory:' in some tests). */
  readonly dbFile?: string;
  readonly logError?: (channel: string, err: unknown) => void;
  readonly log?: (msg: string) => void;
  /**
   * Where host passwords and passphrases are kept. The desktop app and the CLI pass the shared OS keychain
   * store (openSecretStore: the keychain, or its announced file fallback); without one, a FileSecretStore
   * (mode 0600, not encrypted) in the data directory is used, as most tests do.
   */
  readonly secrets?: SecretStore;
  /** Watch hosts for live changes (the desktop app); the CLI and most tests do not. */
  readonly monitor?: { readonly pollMs?: number };
  readonly provisioning?: OperationsOptions;
  /**
   * The desktop app's file dialog (files.pick). Without one (the CLI), files.pick says so; calls through
   * windowDispatch then cannot name workstation files at all.
   */
  readonly pickFile?: FilePicker;
  /** Called at every step boundary and undo record of every task (fault tests stop the process there). */
  readonly checkpoint?: (point: Checkpoint) => void;
  /**
   * Roll back tasks left unfinished by a process that is gone, right after opening (default true). The CLI
   * and the desktop app do; `ready` resolves when it is done.
   */
  readonly reconcile?: boolean;
  /**
   * While open, look again this often for tasks whose process has gone since (default 15 s; 0: never). A
   * process that was still exiting at start-up, or a `qhci` killed while the desktop app runs, leaves a task
   * that only a later look can see as abandoned.
   */
  readonly reconcileEveryMs?: number;
  /**
   * Hosts: how long an SSH host may take to answer a connection (default 15 s), how many hosts sync at once
   * (default 16) and how long one host's sync may read (default 120 s).
   */
  readonly hosts?: {
    readonly connectTimeoutMs?: number;
    readonly concurrentSyncs?: number;
    readonly syncTimeoutMs?: number;
  };
  /** Console sessions: how long an opened stream waits for its port, how many may be open (tests). */
  readonly consoles?: { readonly attachTimeoutMs?: number; readonly maxSessions?: number };
}

export interface App {
  /** For callers that may name workstation paths: the CLI, tests. */
  readonly dispatch: Dispatch;
  /** For the window: the same, but workstation files only as tokens from files.pick. */
  readonly windowDispatch: Dispatch;
  readonly handlers: Handlers;
  readonly events: AppEvents;
  readonly inventory: Inventory;
  /** Repositories that tests and later services use directly (main side only). */
  readonly repos: { readonly vms: VmsRepo };
  readonly hosts: HostsService;
  readonly placement: PlacementService;
  readonly provisioning: Operations;
  /** Open consoles: transports attach a port to a session that consoles.open started. */
  readonly consoles: ConsoleSessions;
  readonly screenshot: VmScreenshotService;
  /** Live usage: watches, polling and history. */
  readonly usage: UsageService;
  /** Resolves when start-up reconciliation of interrupted tasks has finished. */
  readonly ready: Promise<void>;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
  close(): void;
}

export function createApp(opts: AppOptions): App {
  const dbFile = opts.dbFile ?? join(opts.dataDir, 'qhci.db');
  const inventory = openInventory({ file: dbFile, migrationsDir: opts.migrationsDir });
  const { db } = inventory;
  const events = new AppEvents();

  const log = opts.log ?? ((msg: string) => console.error(`[qhci] ${msg}`));
  const secrets = opts.secrets ?? new FileSecretStore(join(opts.dataDir, 'secrets.json'));
  const repos = {
    projects: createProjectsRepo(db),
    folders: createFoldersRepo(db),
    specs: createSpecsRepo(db),
    vms: createVmsRepo(db),
    hosts: createHostsRepo(db),
    hostInventory: createHostInventoryRepo(db),
    snapshots: createSnapshotRepo(db),
    tasks: createTasksRepo(db),
    images: createImagesRepo(db),
    settings: createSettingsRepo(db),
    templateBases: createTemplateBasesRepo(db),
    vmMove: createVmMoveRepo(db),
  };
  const projects = createProjectsService({ db, projects: repos.projects, events });
  const folders = createFoldersService({ db, folders: repos.folders, vms: repos.vms, projects, events });
  const specs = createSpecsService({ db, specs: repos.specs, projects, events });
  const hosts = createHostsService({
    db,
    hosts: repos.hosts,
    inventory: repos.hostInventory,
    vms: repos.vms,
    projects,
    events,
    log,
    driverContext: {
      knownHosts: new KnownHosts(join(opts.dataDir, 'known_hosts')),
      secrets,
      log,
      ...(opts.hosts?.connectTimeoutMs ? { connectTimeoutMs: opts.hosts.connectTimeoutMs } : {}),
    },
    ...(opts.hosts ? { limits: opts.hosts } : {}),
  });
  const reservations = createCapacityBook({
    db,
    repo: createReservationsRepo(db),
    owner: PROCESS_OWNER,
    ownerIsDead: (owner) => localOwnerIsDead(owner, PROCESS_OWNER),
  });
  const placement = createPlacementService({ snapshots: repos.snapshots, projects, reservations, events });
  const taskLog = new TaskLog(repos.tasks, events, PROCESS_OWNER, opts.checkpoint);
  const settings = (): AppSettingsValue => ({
    agent: repos.settings.get<AppSettingsValue['agent']>('agent', null),
  });
  const provisioning = createOperations({
    projects,
    folders: repos.folders,
    specs: repos.specs,
    images: repos.images,
    imagesRepo: repos.images,
    hosts: repos.hosts,
    hostInventory: repos.hostInventory,
    vms: repos.vms,
    vmsRepo: repos.vms,
    templateBases: repos.templateBases,
    vmMove: repos.vmMove,
    placement,
    reservations,
    settings,
    hostsService: hosts,
    tasks: taskLog,
    events,
    log,
    options: opts.provisioning,
  });
  const busy = (lock: Lock) => provisioning.engine.busy(lock);
  const fixCpu = createCpuFix({ vms: repos.vms, hosts: repos.hosts, hostsService: hosts, events, busy });
  const power = createVmPower({
    vms: repos.vms,
    hosts: repos.hosts,
    inventory: repos.hostInventory,
    hostsService: hosts,
    events,
    busy,
  });
  const guestStatus = createGuestStatus({ vms: repos.vms, hosts: repos.hosts, hostsService: hosts });
  let reconciling: Promise<void> | null = null;
  /** One reconciliation at a time: a look that finds one still running is skipped. */
  const reconcile = (): Promise<void> =>
    (reconciling ??= provisioning
      .reconcile()
      .then(
        (n) => {
          if (n) log(`Rolled back ${n} interrupted task(s)`);
        },
        (err: unknown) => log(`Reconciling interrupted tasks failed: ${String(err)}`),
      )
      .finally(() => {
        reconciling = null;
      }));
  const ready = opts.reconcile === false ? Promise.resolve() : reconcile();
  const reconcileEveryMs = opts.reconcile === false ? 0 : (opts.reconcileEveryMs ?? 15_000);
  const reconcileTimer = reconcileEveryMs > 0 ? setInterval(() => void reconcile(), reconcileEveryMs) : null;
  reconcileTimer?.unref();
  const monitor = opts.monitor
    ? createHostMonitor(hosts, () => repos.hosts.list().map((h) => h.id), {
        pollMs: opts.monitor.pollMs ?? 60_000,
        backoff: { initialMs: 1000, maxMs: 60_000 },
        log,
      })
    : null;
  monitor?.refresh();

  const info: AppInfo = {
    version: opts.version ?? '0.0.0',
    dataDir: opts.dataDir,
    schemaVersion: inventory.migrations.current,
    // Read when asked: the CLI's store looks for the keychain only once something needs it.
    get secretStorage() {
      return secrets.kind;
    },
  };

  const files = createFileTokens(opts.pickFile ?? null);
  const consoles = new ConsoleSessions({
    vms: repos.vms,
    hosts: repos.hosts,
    driverFor: (id) => hosts.driverFor(id),
    openers: { display: openDisplay, serial: openSerial },
    ...opts.consoles,
  });
  const screenshot = createVmScreenshot({
    vms: repos.vms,
    driverFor: (id) => hosts.driverFor(id),
    shoot: takeScreenshot,
  });
  const usage = createUsageService({
    hosts: repos.hosts,
    vms: repos.vms,
    driverFor: (id) => hosts.driverFor(id),
    events,
  });
  const handlers = createHandlers({
    files,
    info,
    projects,
    folders,
    specs,
    hosts,
    placement,
    provisioning,
    repos,
    settings,
    fixCpu,
    power,
    guestStatus,
    monitor,
    consoles,
    screenshot,
    usage,
  });

  const dispatch = createDispatch(handlers, opts.logError ? { logError: opts.logError } : {});
  return {
    dispatch,
    windowDispatch: files.forWindow(dispatch),
    handlers,
    events,
    inventory,
    repos: { vms: repos.vms },
    hosts,
    placement,
    provisioning,
    consoles,
    screenshot,
    usage,
    ready,
    subscribe: (listener) => events.subscribe(listener),
    close: () => {
      if (reconcileTimer) clearInterval(reconcileTimer);
      consoles.closeAll();
      provisioning.close();
      taskLog.close();
      usage.close();
      monitor?.stopAll();
      hosts.close();
      inventory.close();
    },
  };
}
