import { AppError } from '../../shared/domain/errors';
import type { Project } from '../../shared/domain/folder';
import { DEFAULT_PROJECT_ID } from '../../shared/domain/names';
import type { Db } from '../inventory/db';
import { inTransaction } from '../inventory/db';
import type { ProjectsRepo } from '../inventory/projects.repo';
import { isUniqueViolation } from '../inventory/rows';
import type { AppEvents } from './events';

export function createProjectsService(deps: { db: Db; projects: ProjectsRepo; events: AppEvents }) {
  const { db, projects, events } = deps;
  return {
    /** Maps "", "default" and undefined to the default project; an unknown id is NOT_FOUND. */
    resolve(ref: string | undefined, field = 'projectId'): Project {
      const id = ref === undefined || ref === '' || ref === 'default' ? DEFAULT_PROJECT_ID : ref;
      const project = projects.get(id);
      if (!project) throw new AppError('NOT_FOUND', `Project "${ref}" does not exist`, field);
      return project;
    },
    list(): Project[] {
      return projects.list();
    },
    create(name: string): Project {
      try {
        const project = inTransaction(db, () => projects.insert(name));
        events.emit('inventory.changed', { entity: 'projects', projectId: project.id });
        return project;
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError('CONFLICT', `A project named "${name}" already exists`, 'name');
        throw err;
      }
    },
  };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
