import { AppError } from '../../shared/domain/errors';
import type { CustomizationSpec } from '../../shared/domain/spec';
import type { ParsedInput } from '../../shared/ipc/contract';
import { hashPassword } from '../cloudinit/password';
import type { Db } from '../inventory/db';
import { inTransaction } from '../inventory/db';
import { isUniqueViolation } from '../inventory/rows';
import type { SpecRecord, SpecsRepo } from '../inventory/specs.repo';
import type { AppEvents } from './events';
import type { ProjectsService } from './projects';

export function createSpecsService(deps: {
  db: Db;
  specs: SpecsRepo;
  projects: ProjectsService;
  events: AppEvents;
}) {
  const { db, specs, projects, events } = deps;

  const mustGetRecord = (id: string) => {
    const rec = specs.getRecord(id);
    if (!rec) throw new AppError('NOT_FOUND', `Customization spec ${id} does not exist`, 'id');
    return rec;
  };

  const ensureNameFree = (projectId: string, name: string, selfId?: string) => {
    const clash = specs.findByName(projectId, name);
    if (clash && clash.id !== selfId) {
      throw new AppError('CONFLICT', `A customization spec named "${clash.name}" already exists`, 'name');
    }
  };

  /** Runs a write; a UNIQUE race with another writer still reads as a name conflict. */
  const write = <T>(name: string, fn: () => T): T => {
    try {
      return inTransaction(db, fn);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('CONFLICT', `A customization spec named "${name}" already exists`, 'name');
      }
      throw err;
    }
  };

  const changed = (projectId: string) => events.emit('inventory.changed', { entity: 'specs', projectId });

  return {
    list(projectRef: string | undefined): CustomizationSpec[] {
      return specs.list(projects.resolve(projectRef).id);
    },

    get(id: string): CustomizationSpec {
      const s = specs.get(id);
      if (!s) throw new AppError('NOT_FOUND', `Customization spec ${id} does not exist`, 'id');
      return s;
    },

    create(input: ParsedInput<'specs.create'>): CustomizationSpec {
      const project = projects.resolve(input.projectId);
      // Hash before the transaction: it is the slow part and needs no lock.
      const adminPasswordHash = input.adminPassword === undefined ? null : hashPassword(input.adminPassword);
      const { projectId: _p, adminPassword: _a, ...fields } = input;
      const spec = write(input.name, () => {
        ensureNameFree(project.id, input.name);
        return specs.insert(project.id, { ...fields, adminPasswordHash });
      });
      changed(project.id);
      return spec;
    },

    update(input: ParsedInput<'specs.update'>): CustomizationSpec {
      const { id, adminPassword, ...patch } = input;
      const newHash = typeof adminPassword === 'string' ? hashPassword(adminPassword) : adminPassword;
      let projectId = '';
      const spec = write(patch.name ?? '', () => {
        const current = mustGetRecord(id);
        projectId = current.projectId;
        const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        const next: SpecRecord = {
          ...current,
          ...defined,
          adminPasswordHash: newHash === undefined ? current.adminPasswordHash : newHash,
        };
        if (patch.name !== undefined) ensureNameFree(current.projectId, patch.name, id);
        return specs.update(id, next);
      });
      changed(projectId);
      return spec;
    },

    delete(id: string): { deleted: true } {
      const rec = mustGetRecord(id);
      inTransaction(db, () => {
        if (!specs.remove(id))
          throw new AppError('NOT_FOUND', `Customization spec ${id} does not exist`, 'id');
      });
      changed(rec.projectId);
      return { deleted: true };
    },

    /** "Save as…": a copy under a new name, password hash included. */
    duplicate(id: string, name: string): CustomizationSpec {
      let projectId = '';
      const spec = write(name, () => {
        const { projectId: pid, ...rec } = mustGetRecord(id);
        projectId = pid;
        ensureNameFree(pid, name);
        return specs.insert(pid, { ...rec, name });
      });
      changed(projectId);
      return spec;
    },
  };
}

export type SpecsService = ReturnType<typeof createSpecsService>;
