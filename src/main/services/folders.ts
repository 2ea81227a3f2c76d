import { AppError } from '../../shared/domain/errors';
import type { Folder, FolderDeleteResult, FolderNode, VmMoveResult } from '../../shared/domain/folder';
import type { Db } from '../inventory/db';
import { inTransaction } from '../inventory/db';
import type { FoldersRepo } from '../inventory/folders.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from './events';
import type { ProjectsService } from './projects';

export function createFoldersService(deps: {
  db: Db;
  folders: FoldersRepo;
  vms: VmsRepo;
  projects: ProjectsService;
  events: AppEvents;
}) {
  const { db, folders, vms, projects, events } = deps;

  const mustGet = (id: string, field = 'id'): Folder => {
    const f = folders.get(id);
    if (!f) throw new AppError('NOT_FOUND', `Folder ${id} does not exist`, field);
    return f;
  };

  const ensureNameFree = (parent: Folder, name: string, self?: Folder): void => {
    const clash = folders.siblingNamed(parent.id, name);
    if (clash && clash.id !== self?.id) {
      throw new AppError(
        'CONFLICT',
        `A folder named "${clash.name}" already exists in ${parent.path}`,
        'name',
      );
    }
  };

  const changed = (projectId: string) => events.emit('inventory.changed', { entity: 'folders', projectId });

  return {
    tree(projectRef: string | undefined): FolderNode {
      const project = projects.resolve(projectRef);
      const rows = folders.listByProject(project.id);
      const counts = folders.vmCounts(project.id);
      const children = new Map<string, Folder[]>();
      let root: Folder | undefined;
      for (const f of rows) {
        if (f.parentId === null) root = f;
        else {
          const list = children.get(f.parentId) ?? [];
          list.push(f);
          children.set(f.parentId, list);
        }
      }
      if (!root) throw new AppError('INTERNAL', `Project ${project.name} has no root folder`);
      const build = (f: Folder): FolderNode => ({
        ...f,
        vmCount: counts.get(f.id) ?? 0,
        children: (children.get(f.id) ?? [])
          .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }))
          .map(build),
      });
      return build(root);
    },

    get(id: string, field = 'id'): Folder {
      return mustGet(id, field);
    },

    create(input: { projectId?: string | undefined; parentId?: string | undefined; name: string }): Folder {
      const project = projects.resolve(input.projectId);
      const folder = inTransaction(db, () => {
        const parent =
          input.parentId === undefined ? folders.root(project.id) : mustGet(input.parentId, 'parentId');
        if (!parent) throw new AppError('INTERNAL', `Project ${project.name} has no root folder`);
        if (parent.projectId !== project.id) {
          throw new AppError('VALIDATION', 'The parent folder belongs to another project', 'parentId');
        }
        ensureNameFree(parent, input.name);
        return folders.insert(project.id, parent, input.name);
      });
      changed(project.id);
      return folder;
    },

    rename(id: string, name: string): Folder {
      const folder = inTransaction(db, () => {
        const f = mustGet(id);
        if (f.parentId === null)
          throw new AppError('VALIDATION', 'The root folder "/" cannot be renamed', 'id');
        if (f.name === name) return f;
        const parent = mustGet(f.parentId);
        ensureNameFree(parent, name, f);
        return folders.relocate(f, parent, name);
      });
      changed(folder.projectId);
      return folder;
    },

    move(id: string, parentId: string): Folder {
      const folder = inTransaction(db, () => {
        const f = mustGet(id);
        if (f.parentId === null)
          throw new AppError('VALIDATION', 'The root folder "/" cannot be moved', 'id');
        const target = mustGet(parentId, 'parentId');
        if (target.projectId !== f.projectId) {
          throw new AppError('VALIDATION', 'A folder cannot be moved to another project', 'parentId');
        }
        if (target.id === f.id || target.path.startsWith(`${f.path}/`)) {
          throw new AppError(
            'VALIDATION',
            `Cannot move ${f.path} into itself or one of its subfolders`,
            'parentId',
          );
        }
        if (target.id === f.parentId) return f;
        ensureNameFree(target, f.name, f);
        return folders.relocate(f, target, f.name);
      });
      changed(folder.projectId);
      return folder;
    },

    delete(id: string): FolderDeleteResult {
      let projectId = '';
      const result = inTransaction(db, () => {
        const f = mustGet(id);
        if (f.parentId === null)
          throw new AppError('VALIDATION', 'The root folder "/" cannot be deleted', 'id');
        projectId = f.projectId;
        const size = folders.subtreeSize(f);
        folders.remove(f.id);
        return { deletedFolders: size.folders, unassignedVms: size.vms };
      });
      changed(projectId);
      if (result.unassignedVms > 0) events.emit('inventory.changed', { entity: 'vms', projectId });
      return result;
    },

    moveVms(vmIds: readonly string[], folderId: string | null): VmMoveResult {
      const unique = [...new Set(vmIds)];
      let projectId = '';
      const moved = inTransaction(db, () => {
        const folder = folderId === null ? null : mustGet(folderId, 'folderId');
        unique.forEach((vmId) => {
          const vm = vms.get(vmId);
          if (!vm) throw new AppError('NOT_FOUND', `VM ${vmId} does not exist`, 'vmIds');
          if (folder && vm.projectId !== folder.projectId) {
            throw new AppError(
              'VALIDATION',
              `VM "${vm.name}" belongs to another project than the folder`,
              'vmIds',
            );
          }
          projectId = vm.projectId;
        });
        return vms.setFolder(unique, folder?.id ?? null);
      });
      events.emit('inventory.changed', { entity: 'vms', projectId });
      events.emit('inventory.changed', { entity: 'folders', projectId });
      return { moved };
    },
  };
}

export type FoldersService = ReturnType<typeof createFoldersService>;
