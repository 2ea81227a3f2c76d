import type { Project } from '../../shared/domain/folder';
import type { Db } from './db';
import { newId, nowIso } from './rows';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
}

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function createProjectsRepo(db: Db) {
  const byId = db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE id = ?');
  const all = db.prepare<[], ProjectRow>('SELECT * FROM projects ORDER BY name COLLATE NOCASE');
  const insert = db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)');
  const insertRoot = db.prepare(
    "INSERT INTO folders (id, project_id, parent_id, name, path, created_at, updated_at) VALUES (?, ?, NULL, '', '/', ?, ?)",
  );
  return {
    get(id: string): Project | undefined {
      const r = byId.get(id);
      return r && toProject(r);
    },
    list(): Project[] {
      return all.all().map(toProject);
    },
    /** Inserts a project with its root folder "/". Call inside a transaction. */
    insert(name: string): Project {
      const id = newId();
      const now = nowIso();
      insert.run(id, name, now);
      insertRoot.run(newId(), id, now, now);
      return { id, name, createdAt: now };
    },
  };
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
