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
import type { CpuFix } from '../provisioning/cpu-fix';
import type { Provisioning } from '../provisioning/service';
import type { FoldersService } from '../services/folders';
import type { HostMonitor } from '../services/host-monitor';
import type { HostsService } from '../services/hosts';
import type { PlacementService } from '../services/placement';
import type { ProjectsService } from '../services/projects';
import type { SpecsService } from '../services/specs';
import type { VmGuestStatus } from '../../shared/domain/vm';
import type { Handlers } from './dispatch';

export interface HandlerServices {
  readonly info: AppInfo;
  readonly projects: ProjectsService;
  readonly folders: FoldersService;
  readonly specs: SpecsService;
  readonly hosts: HostsService;
  readonly placement: PlacementService;
  readonly provisioning: Provisioning;
  readonly repos: {
    readonly vms: VmsRepo;
    readonly tasks: TasksRepo;
    readonly images: ImagesRepo;
    readonly settings: SettingsRepo;
  };
  readonly settings: () => AppSettingsValue;
  readonly fixCpu: CpuFix;
  readonly guestStatus: (vmId: string) => Promise<VmGuestStatus>;
  /** Watches hosts live in the desktop app; null in the CLI and most tests. */
  readonly monitor: HostMonitor | null;
}

export function createHandlers(s: HandlerServices): Handlers {
  const {
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
    guestStatus,
    monitor,
  } = s;
  return {
    'app.info': () => info,
    'projects.list': () => projects.list(),
    'projects.create': (i) => projects.create(i.name),
    'folders.tree': (i) => folders.tree(i.projectId),
    'folders.get': (i) => folders.get(i.id),
    'folders.create': (i) => folders.create(i),
    'folders.rename': (i) => folders.rename(i.id, i.name),
    'folders.move': (i) => folders.move(i.id, i.parentId),
    'folders.delete': (i) => folders.delete(i.id),
    'hosts.list': (i) => hosts.list(i.projectId),
    'hosts.get': (i) => hosts.get(i.id),
    'hosts.probe': (i) => hosts.probe(i.address, i.port),
    'hosts.test': (i) => hosts.test(i),
    'hosts.add': async (i) => {
      const h = await hosts.add(i);
      monitor?.refresh();
      return h;
    },
    'hosts.update': (i) => hosts.update(i),
    'hosts.remove': (i) => {
      const r = hosts.remove(i.id);
      monitor?.refresh();
      return r;
    },
    'hosts.sync': (i) => hosts.sync(i.id),
    'hosts.connect': (i) => hosts.connect(i.id),
    'hosts.suggestLocal': () => hosts.suggestLocal(),
    'hosts.forgetKey': (i) => hosts.forgetKey(i.address, i.port),
    'vms.power': (i) => hosts.power(i.vmId, i.action),
    'vms.fixCpu': (i) => fixCpu(i.vmId),
    'vms.guest': (i) => guestStatus(i.vmId),
    'scheduler.place': (i) => placement.dryRun(i.projectId, i.request),
    'vms.list': (i) => {
      const projectId = projects.resolve(i.projectId).id;
      if (i.folderId !== undefined) folders.get(i.folderId, 'folderId');
      return repos.vms.list(projectId, { folderId: i.folderId, hostId: i.hostId });
    },
    'vms.moveToFolder': (i) => folders.moveVms(i.vmIds, i.folderId),
    'vms.get': (i) => {
      const vm = repos.vms.detail(i.id);
      if (!vm) throw new AppError('NOT_FOUND', 'The VM does not exist', 'id');
      return vm;
    },
    'vms.create': (i) => provisioning.create(i.request),
    'vms.preview': (i) => provisioning.preview(i.request),
    'vms.delete': (i) => provisioning.deleteVm(i.vmId, i.deleteDisks),
    'tasks.list': (i) => repos.tasks.list(projects.resolve(i.projectId).id, i.limit),
    'tasks.get': (i) => {
      const t = repos.tasks.get(i.id);
      if (!t) throw new AppError('NOT_FOUND', 'The task does not exist', 'id');
      return t;
    },
    'images.list': (i) =>
      repos.images
        .list(projects.resolve(i.projectId).id, { hostId: i.hostId, kind: i.kind })
        .map(({ poolPath: _p, poolType: _t, ...rest }) => rest),
    'images.upload': (i) => provisioning.upload(i),
    'images.delete': (i) => provisioning.deleteImage(i.id),
    'settings.get': () => settings(),
    'settings.update': (i) => {
      if (i.agent !== undefined) repos.settings.set('agent', i.agent);
      return settings();
    },
    'specs.list': (i) => specs.list(i.projectId),
    'specs.get': (i) => specs.get(i.id),
    'specs.create': (i) => specs.create(i),
    'specs.update': (i) => specs.update(i),
    'specs.delete': (i) => specs.delete(i.id),
    'specs.duplicate': (i) => specs.duplicate(i.id, i.name),
  };
}
