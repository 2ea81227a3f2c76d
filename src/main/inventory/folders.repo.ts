import type { Folder } from '../../shared/domain/folder';
import type { Db } from './db';
import { newId, nowIso } from './rows';

interface FolderRow {
  id: string;
  project_id: string;
  parent_id: string | null;
  name: string;
  path: string;
  created_at: string;
  updated_at: string;
}

const toFolder = (r: FolderRow): Folder => ({
  id: r.id,
  projectId: r.project_id,
  parentId: r.parent_id,
  name: r.name,
  path: r.path,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function childPath(parentPath: string, name: string): string {
  return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
}

export function createFoldersRepo(db: Db) {
  const byId = db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE id = ?');
  const root = db.prepare<[string], FolderRow>(
    'SELECT * FROM folders WHERE project_id = ? AND parent_id IS NULL',
  );
  const byProject = db.prepare<[string], FolderRow>(
    'SELECT * FROM folders WHERE project_id = ? ORDER BY path',
  );
  const siblingByName = db.prepare<[string, string], FolderRow>(
    'SELECT * FROM folders WHERE parent_id = ? AND name = ? COLLATE NOCASE',
  );
  const insert = db.prepare(
    'INSERT INTO folders (id, project_id, parent_id, name, path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const setNameParent = db.prepare('UPDATE folders SET name = ?, parent_id = ?, updated_at = ? WHERE id = ?');
  // Rewrites the path of a folder and all of its descendants. Prefix matching uses substr, not LIKE,
  // so "%" and "_" in folder names are plain characters.
  const rewritePaths = db.prepare(
    `UPDATE folders SET path = @newPath || substr(path, length(@oldPath) + 1)
     WHERE project_id = @projectId AND (path = @oldPath OR substr(path, 1, length(@oldPath) + 1) = @oldPath || '/')`,
  );
  const countSubtree = db.prepare<{ projectId: string; path: string }, { n: number }>(
    `SELECT count(*) AS n FROM folders
     WHERE project_id = @projectId AND (path = @path OR substr(path, 1, length(@path) + 1) = @path || '/')`,
  );
  const vmsInSubtree = db.prepare<{ projectId: string; path: string }, { n: number }>(
    `SELECT count(*) AS n FROM vms WHERE folder_id IN (SELECT id FROM folders
     WHERE project_id = @projectId AND (path = @path OR substr(path, 1, length(@path) + 1) = @path || '/'))`,
  );
  const remove = db.prepare('DELETE FROM folders WHERE id = ?');
  const vmCounts = db.prepare<[string], { folder_id: string; n: number }>(
    'SELECT folder_id, count(*) AS n FROM vms WHERE project_id = ? AND folder_id IS NOT NULL GROUP BY folder_id',
  );

  return {
    get(id: string): Folder | undefined {
      const r = byId.get(id);
      return r && toFolder(r);
    },
    root(projectId: string): Folder | undefined {
      const r = root.get(projectId);
      return r && toFolder(r);
    },
    listByProject(projectId: string): Folder[] {
      return byProject.all(projectId).map(toFolder);
    },
    vmCounts(projectId: string): Map<string, number> {
      return new Map(vmCounts.all(projectId).map((r) => [r.folder_id, r.n]));
    },
    siblingNamed(parentId: string, name: string): Folder | undefined {
      const r = siblingByName.get(parentId, name);
      return r && toFolder(r);
    },
    insert(projectId: string, parent: Folder, name: string): Folder {
      const id = newId();
      const now = nowIso();
      const path = childPath(parent.path, name);
      insert.run(id, projectId, parent.id, name, path, now, now);
      return { id, projectId, parentId: parent.id, name, path, createdAt: now, updatedAt: now };
    },
    /** Renames and/or re-parents a folder, rewriting every descendant's path. Call inside a transaction. */
    relocate(folder: Folder, parent: Folder, name: string): Folder {
      const newPath = childPath(parent.path, name);
      setNameParent.run(name, parent.id, nowIso(), folder.id);
      rewritePaths.run({ newPath, oldPath: folder.path, projectId: folder.projectId });
      return toFolder(byId.get(folder.id)!);
    },
    subtreeSize(folder: Folder): { folders: number; vms: number } {
      const key = { projectId: folder.projectId, path: folder.path };
      return { folders: countSubtree.get(key)!.n, vms: vmsInSubtree.get(key)!.n };
    },
    /** Deletes a folder; subfolders cascade, VMs keep their rows with folder_id cleared. */
    remove(id: string): void {
      remove.run(id);
    },
  };
}

export type FoldersRepo = ReturnType<typeof createFoldersRepo>;
