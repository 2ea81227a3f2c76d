import type { VmState, VmSummary } from '../../shared/domain/vm';
import type { Db } from './db';
import { newId, nowIso } from './rows';

interface VmRow {
  id: string;
  project_id: string;
  folder_id: string | null;
  host_id: string | null;
  name: string;
  state: VmState;
  scheduled_at: string | null;
}

const toVm = (r: VmRow): VmSummary => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  folderId: r.folder_id,
  hostId: r.host_id,
  state: r.state,
  scheduledAt: r.scheduled_at,
});

const COLUMNS = 'id, project_id, folder_id, host_id, name, state, scheduled_at';

export interface NewVm {
  readonly projectId: string;
  readonly name: string;
  readonly folderId?: string | null;
  readonly hostId?: string | null;
  readonly state?: VmState;
}

export function createVmsRepo(db: Db) {
  const byId = db.prepare<[string], VmRow>(`SELECT ${COLUMNS} FROM vms WHERE id = ?`);
  const byProject = db.prepare<[string], VmRow>(
    `SELECT ${COLUMNS} FROM vms WHERE project_id = ? ORDER BY name, id`,
  );
  const byFolder = db.prepare<[string, string], VmRow>(
    `SELECT ${COLUMNS} FROM vms WHERE project_id = ? AND folder_id = ? ORDER BY name, id`,
  );
  const insert = db.prepare(
    `INSERT INTO vms (id, project_id, folder_id, host_id, name, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setFolder = db.prepare('UPDATE vms SET folder_id = ?, updated_at = ? WHERE id = ?');
  const uuidOf = db.prepare<[string], { uuid: string | null }>('SELECT uuid FROM vms WHERE id = ?');

  return {
    get(id: string): VmSummary | undefined {
      const r = byId.get(id);
      return r && toVm(r);
    },
    list(projectId: string, folderId?: string): VmSummary[] {
      return (folderId === undefined ? byProject.all(projectId) : byFolder.all(projectId, folderId)).map(
        toVm,
      );
    },
    /** The libvirt domain uuid of a VM, once it is defined on a host. */
    uuid(id: string): string | null {
      return uuidOf.get(id)?.uuid ?? null;
    },
    insert(vm: NewVm): VmSummary {
      const id = newId();
      const now = nowIso();
      insert.run(
        id,
        vm.projectId,
        vm.folderId ?? null,
        vm.hostId ?? null,
        vm.name,
        vm.state ?? 'unknown',
        now,
        now,
      );
      return toVm(byId.get(id)!);
    },
    /** Sets the folder of many VMs. Call inside a transaction. */
    setFolder(ids: readonly string[], folderId: string | null): number {
      const now = nowIso();
      let n = 0;
      for (const id of ids) n += setFolder.run(folderId, now, id).changes;
      return n;
    },
  };
}

export type VmsRepo = ReturnType<typeof createVmsRepo>;
