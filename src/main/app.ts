/**
 * Composition root: open the inventory, migrate, build the services, and expose them as the contract's
 * handlers. Used by Electron's main, the CLI and the tests alike; it never imports electron.
 */
import { join } from 'node:path';
import type { EventName } from '../shared/ipc/channels';
import type { AppInfo } from '../shared/ipc/contract';
import { createDispatch, type Dispatch, type Handlers } from './ipc/dispatch';
import { openInventory, type Inventory } from './inventory/db';
import { createFoldersRepo } from './inventory/folders.repo';
import { createProjectsRepo } from './inventory/projects.repo';
import { createSpecsRepo } from './inventory/specs.repo';
import { createVmsRepo, type VmsRepo } from './inventory/vms.repo';
import { AppEvents } from './services/events';
import { createFoldersService } from './services/folders';
import { createProjectsService } from './services/projects';
import { createSpecsService } from './services/specs';

export interface AppOptions {
  /** Directory for the inventory (qhci.db) and other per-user state. */
  readonly dataDir: string;
  readonly migrationsDir: string;
  readonly version?: string;
  /** Use this database file instead of dataDir/qhci.db (':memory:' in some tests). */
  readonly dbFile?: string;
  readonly logError?: (channel: string, err: unknown) => void;
}

export interface App {
  readonly dispatch: Dispatch;
  readonly handlers: Handlers;
  readonly events: AppEvents;
  readonly inventory: Inventory;
  /** Repositories that tests and later services use directly (main side only). */
  readonly repos: { readonly vms: VmsRepo };
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
  close(): void;
}

export function createApp(opts: AppOptions): App {
  const dbFile = opts.dbFile ?? join(opts.dataDir, 'qhci.db');
  const inventory = openInventory({ file: dbFile, migrationsDir: opts.migrationsDir });
  const { db } = inventory;
  const events = new AppEvents();

  const repos = {
    projects: createProjectsRepo(db),
    folders: createFoldersRepo(db),
    specs: createSpecsRepo(db),
    vms: createVmsRepo(db),
  };
  const projects = createProjectsService({ db, projects: repos.projects, events });
  const folders = createFoldersService({ db, folders: repos.folders, vms: repos.vms, projects, events });
  const specs = createSpecsService({ db, specs: repos.specs, projects, events });

  const info: AppInfo = {
    version: opts.version ?? '0.0.0',
    dataDir: opts.dataDir,
    schemaVersion: inventory.migrations.current,
  };

  const handlers: Handlers = {
    'app.info': () => info,
    'projects.list': () => projects.list(),
    'projects.create': (i) => projects.create(i.name),
    'folders.tree': (i) => folders.tree(i.projectId),
    'folders.get': (i) => folders.get(i.id),
    'folders.create': (i) => folders.create(i),
    'folders.rename': (i) => folders.rename(i.id, i.name),
    'folders.move': (i) => folders.move(i.id, i.parentId),
    'folders.delete': (i) => folders.delete(i.id),
    'vms.list': (i) => {
      const projectId = projects.resolve(i.projectId).id;
      if (i.folderId !== undefined) folders.get(i.folderId, 'folderId');
      return repos.vms.list(projectId, i.folderId);
    },
    'vms.moveToFolder': (i) => folders.moveVms(i.vmIds, i.folderId),
    'specs.list': (i) => specs.list(i.projectId),
    'specs.get': (i) => specs.get(i.id),
    'specs.create': (i) => specs.create(i),
    'specs.update': (i) => specs.update(i),
    'specs.delete': (i) => specs.delete(i.id),
    'specs.duplicate': (i) => specs.duplicate(i.id, i.name),
  };

  return {
    dispatch: createDispatch(handlers, opts.logError ? { logError: opts.logError } : {}),
    handlers,
    events,
    inventory,
    repos: { vms: repos.vms },
    subscribe: (listener) => events.subscribe(listener),
    close: () => inventory.close(),
  };
}
