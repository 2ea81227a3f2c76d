/**
 * The contract's channels, each mapped to the service call that answers it. Built by app.ts from the
 * services it composed; dispatch.ts validates every input before a handler runs.
 */
import type { AppSettingsValue } from '../../shared/domain/settings';
import { AppError } from '../../shared/domain/errors';
import type { AppInfo } from '../../shared/ipc/contract';
import type { ImagesRepo } from '../inventory/images.repo';
import type { SettingsRepo } from '../inventory/settings.repo';
import type { TasksRepo } from '../inventory/tasks.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { ConsoleSessions } from '../consoles/sessions';
import type { VmScreenshotService } from '../consoles/vm-screenshot';
import type { CpuFix } from '../operations/cpu-fix';
import type { Operations } from '../operations';
import type { FoldersService } from '../services/folders';
import type { HostMonitor } from '../services/host-monitor';
import type { HostsService } from '../services/hosts';
import type { PlacementService } from '../services/placement';
import type { ProjectsService } from '../services/projects';
import type { SpecsService } from '../services/specs';
import type { UsageService } from '../services/usage';
import type { VmPower } from '../services/vm-power';
import type { VmGuestStatus } from '../../shared/domain/vm';
import type { Handlers } from './dispatch';
import type { FileTokens } from './file-tokens';

export interface HandlerServices {
  readonly info: AppInfo;
  readonly projects: ProjectsService;
  readonly folders: FoldersService;
  readonly specs: SpecsService;
  readonly hosts: HostsService;
  readonly placement: PlacementService;
  readonly provisioning: Operations;
  readonly repos: {
    readonly vms: VmsRepo;
    readonly tasks: TasksRepo;
    readonly images: ImagesRepo;
    readonly settings: SettingsRepo;
  };
  readonly settings: () => AppSettingsValue;
  readonly fixCpu: CpuFix;
  readonly power: VmPower;
  readonly guestStatus: (vmId: string) => Promise<VmGuestStatus>;
  /** Watches hosts live in the desktop app; null in the CLI and most tests. */
  readonly monitor: HostMonitor | null;
  readonly files: FileTokens;
  readonly consoles: ConsoleSessions;
  readonly screenshot: VmScreenshotService;
  readonly usage: UsageService;
}

export function createHandlers(s: HandlerServices): Handlers {
  return {
    'app.info': () => s.info,
    'projects.list': () => s.projects.list(),
    'projects.create': (i) => s.projects.create(i.name),
    'folders.tree': (i) => s.folders.tree(i.projectId),
    'folders.get': (i) => s.folders.get(i.id),
    'folders.create': (i) => s.folders.create(i),
    'folders.rename': (i) => s.folders.rename(i.id, i.name),
    'folders.move': (i) => s.folders.move(i.id, i.parentId),
    'folders.delete': (i) => s.folders.delete(i.id),
    'hosts.list': (i) => s.hosts.list(i.projectId),
    'hosts.get': (i) => s.hosts.get(i.id),
    'hosts.probe': (i) => s.hosts.probe(i.address, i.port, i.allowSha1),
    'hosts.test': (i) => s.hosts.test(i),
    'hosts.add': async (i) => {
      const h = await s.hosts.add(i);
      s.monitor?.refresh();
      return h;
    },
    'hosts.update': (i) => s.hosts.update(i),
    'hosts.remove': (i) => {
      const r = s.hosts.remove(i.id);
      s.monitor?.refresh();
      return r;
    },
    'hosts.sync': (i) => s.hosts.sync(i.id),
    'hosts.connect': (i) => s.hosts.connect(i.id),
    'hosts.suggestLocal': () => s.hosts.suggestLocal(),
    'hosts.forgetKey': (i) => s.hosts.forgetKey(i.address, i.port),
    'vms.power': (i) => s.power(i.vmId, i.action),
    'vms.fixCpu': (i) => s.fixCpu(i.vmId),
    'vms.guest': (i) => s.guestStatus(i.vmId),
    'scheduler.place': (i) => s.placement.dryRun(i.projectId, i.request),
    'vms.list': (i) => {
      const projectId = s.projects.resolve(i.projectId).id;
      if (i.folderId !== undefined) s.folders.get(i.folderId, 'folderId');
      return s.repos.vms.list(projectId, { folderId: i.folderId, hostId: i.hostId });
    },
    'vms.moveToFolder': (i) => s.folders.moveVms(i.vmIds, i.folderId),
    'vms.get': (i) => {
      const vm = s.repos.vms.detail(i.id);
      if (!vm) throw new AppError('NOT_FOUND', 'The VM does not exist', 'id');
      return vm;
    },
    'vms.create': (i) => s.provisioning.create(i.request),
    'vms.preview': (i) => s.provisioning.preview(i.request),
    'vms.delete': (i) => s.provisioning.deleteVm(i.vmId, i.deleteDisks),
    'vms.clone': (i) => s.provisioning.clones.clone(i),
    'vms.convertToTemplate': (i) => s.provisioning.templates.convert(i),
    'vms.detach': (i) => s.provisioning.templates.detach(i),
    'vms.migratePreflight': (i) => s.provisioning.migrations.preflight(i),
    'hosts.maintenancePlan': (i) => Promise.resolve(s.provisioning.maintenance.plan(i.id)),
    'hosts.enterMaintenance': (i) => Promise.resolve(s.provisioning.maintenance.enter(i)),
    'hosts.exitMaintenance': (i) => Promise.resolve(s.provisioning.maintenance.exit(i.id)),
    'vms.migrate': (i) => Promise.resolve(s.provisioning.migrations.migrate(i)),
    'vms.settingsPlan': (i) => s.provisioning.settings.plan(i),
    'vms.updateSettings': (i) => s.provisioning.settings.update(i),
    'vms.screenshot': async (i) => (await s.screenshot(i.vmId)).shot,
    'snapshots.list': (i) => s.provisioning.snapshots.list(i.vmId),
    'snapshots.plan': (i) => s.provisioning.snapshots.plan(i.vmId, i.memory),
    'snapshots.create': (i) => s.provisioning.snapshots.create(i),
    'snapshots.revert': (i) => s.provisioning.snapshots.revert(i.vmId, i.name),
    'snapshots.delete': (i) => s.provisioning.snapshots.delete(i.vmId, i.names),
    'consoles.open': (i) => s.consoles.open(i),
    'consoles.resize': (i) => s.consoles.resize(i.sessionId, { cols: i.cols, rows: i.rows }),
    'consoles.close': (i) => s.consoles.close(i.sessionId),
    'tasks.list': (i) => s.repos.tasks.list(s.projects.resolve(i.projectId).id, i.limit),
    'tasks.get': (i) => {
      const t = s.repos.tasks.get(i.id);
      if (!t) throw new AppError('NOT_FOUND', 'The task does not exist', 'id');
      return t;
    },
    'images.list': (i) =>
      s.repos.images
        .list(s.projects.resolve(i.projectId).id, { hostId: i.hostId, kind: i.kind })
        .map(({ poolPath: _p, poolType: _t, ...rest }) => rest),
    'images.upload': (i) => s.provisioning.upload(i),
    'files.pick': (i) => s.files.pick(i.purpose),
    'images.delete': (i) => s.provisioning.deleteImage(i.id),
    'settings.get': () => s.settings(),
    'settings.update': (i) => {
      if (i.agent !== undefined) s.repos.settings.set('agent', i.agent);
      return s.settings();
    },
    'specs.list': (i) => s.specs.list(i.projectId),
    'specs.get': (i) => s.specs.get(i.id),
    'specs.create': (i) => s.specs.create(i),
    'specs.update': (i) => s.specs.update(i),
    'specs.delete': (i) => s.specs.delete(i.id),
    'specs.duplicate': (i) => s.specs.duplicate(i.id, i.name),
    'usage.watch': (i) => s.usage.watch(i),
    'usage.unwatch': (i) => s.usage.unwatch(i.watchId),
    'usage.history': (i) => s.usage.history(i),
  };
}
