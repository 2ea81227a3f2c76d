import type { VmDetail, VmState, VmSummary } from '../../shared/domain/vm';
import type { Db } from './db';
import { newId, nowIso, parseJson } from './rows';

interface VmRow {
  id: string;
  project_id: string;
  folder_id: string | null;
  host_id: string | null;
  name: string;
  state: VmState;
  scheduled_at: string | null;
  vcpus: number | null;
  memory_bytes: number | null;
  labels: string;
  description: string;
  template: number;
  parent_id: string | null;
  linked: number;
}

const toVm = (r: VmRow): VmSummary => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  folderId: r.folder_id,
  hostId: r.host_id,
  state: r.state,
  scheduledAt: r.scheduled_at,
  vcpus: r.vcpus,
  memoryBytes: r.memory_bytes,
  labels: parseJson<Record<string, string>>(r.labels, {}),
  description: r.description,
  template: r.template === 1,
  parentId: r.parent_id,
  linked: r.linked === 1,
});

const COLUMNS = `id, project_id, folder_id, host_id, name, state, scheduled_at, vcpus, memory_bytes, labels,
  COALESCE(json_extract(request, '$.description'), '') AS description, template, parent_id, linked`;

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
  const byHost = db.prepare<[string, string], VmRow>(
    `SELECT ${COLUMNS} FROM vms WHERE project_id = ? AND host_id = ? ORDER BY name, id`,
  );
  const detailById = db.prepare<
    [string],
    VmRow & { uuid: string | null; details: string; request: string | null; created_at: string }
  >(`SELECT ${COLUMNS}, uuid, details, request, created_at FROM vms WHERE id = ?`);
  const insertCreating = db.prepare(
    `INSERT INTO vms (id, project_id, folder_id, host_id, uuid, name, state, vcpus, memory_bytes, labels, request,
       scheduled_at, created_at, updated_at)
     VALUES (@id, @projectId, @folderId, @hostId, @uuid, @name, 'creating', @vcpus, @memory, @labels, @request,
       @now, @now, @now)`,
  );
  const setState = db.prepare('UPDATE vms SET state = ?, updated_at = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM vms WHERE id = ?');
  const creatingNames = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM vms WHERE host_id = ? AND name = ?',
  );
  const nameInProject = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM vms WHERE project_id = ? AND name = ?',
  );
  const setFolder = db.prepare('UPDATE vms SET folder_id = ?, updated_at = ? WHERE id = ?');
  const uuidOf = db.prepare<[string], { uuid: string | null }>('SELECT uuid FROM vms WHERE id = ?');
  const setTemplate = db.prepare('UPDATE vms SET template = ?, updated_at = ? WHERE id = ?');
  const setParent = db.prepare('UPDATE vms SET parent_id = ?, linked = ?, updated_at = ? WHERE id = ?');
  const namesOnHost = db.prepare<[string], { id: string; name: string }>(
    'SELECT id, name FROM vms WHERE host_id = ? ORDER BY id',
  );
  const setSettings = db.prepare(
    `UPDATE vms SET labels = COALESCE(@labels, labels), vcpus = COALESCE(@vcpus, vcpus),
       memory_bytes = COALESCE(@memory, memory_bytes),
       request = CASE WHEN @description IS NULL THEN request
         ELSE json_set(COALESCE(request, '{}'), '$.description', @description) END,
       updated_at = @now WHERE id = @id`,
  );
  const linkedChildren = db.prepare<[string], VmRow>(
    `SELECT ${COLUMNS} FROM vms WHERE parent_id = ? AND linked = 1 ORDER BY name, id`,
  );

  return {
    get(id: string): VmSummary | undefined {
      const r = byId.get(id);
      return r && toVm(r);
    },
    list(projectId: string, filter: { folderId?: string; hostId?: string } = {}): VmSummary[] {
      const rows =
        filter.folderId !== undefined
          ? byFolder.all(projectId, filter.folderId)
          : filter.hostId !== undefined
            ? byHost.all(projectId, filter.hostId)
            : byProject.all(projectId);
      return (
        filter.hostId !== undefined && filter.folderId !== undefined
          ? rows.filter((r) => r.host_id === filter.hostId)
          : rows
      ).map(toVm);
    },
    detail(id: string): VmDetail | undefined {
      const r = detailById.get(id);
      if (!r) return undefined;
      return {
        ...toVm(r),
        uuid: r.uuid,
        details: parseJson<VmDetail['details']>(r.details, {}),
        request: parseJson<Record<string, unknown> | null>(r.request, null),
        createdAt: r.created_at,
      };
    },
    /**
     * A VM whose creation starts: its host, domain uuid and scheduled_at are recorded at once, in state
     * "creating" (a sync leaves such rows alone). The request is stored without secrets.
     */
    insertCreating(vm: {
      id: string;
      projectId: string;
      folderId: string | null;
      hostId: string;
      uuid: string;
      name: string;
      vcpus: number;
      memoryBytes: number;
      labels: Readonly<Record<string, string>>;
      request: unknown;
    }): void {
      insertCreating.run({
        id: vm.id,
        projectId: vm.projectId,
        folderId: vm.folderId,
        hostId: vm.hostId,
        uuid: vm.uuid,
        name: vm.name,
        vcpus: vm.vcpus,
        memory: vm.memoryBytes,
        labels: JSON.stringify(vm.labels),
        request: JSON.stringify(vm.request),
        now: nowIso(),
      });
    },
    /** Whether a VM of this name is known on the host (libvirt names are unique per host). */
    nameTaken(hostId: string, name: string): boolean {
      return (creatingNames.get(hostId, name)?.n ?? 0) > 0;
    },
    /** Names are unique in a project (libvirt needs them unique per host; people need more). */
    nameTakenInProject(projectId: string, name: string): boolean {
      return (nameInProject.get(projectId, name)?.n ?? 0) > 0;
    },
    setState(id: string, state: VmState): void {
      setState.run(state, nowIso(), id);
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
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
    /** Every VM on a host (any project) by its domain name: live usage maps domains to VMs with it. */
    idsByName(hostId: string): Map<string, string> {
      return new Map(namesOnHost.all(hostId).map((r) => [r.name, r.id]));
    },
    /** Marks a VM a template, or a VM again. */
    setTemplate(id: string, template: boolean): void {
      setTemplate.run(template ? 1 : 0, nowIso(), id);
    },
    /** Records the VM a clone was made from, and whether its disks are overlays on that VM's (linked). */
    setParent(id: string, parentId: string | null, linked: boolean): void {
      setParent.run(parentId, linked ? 1 : 0, nowIso(), id);
    },
    /** What a settings change records of a VM (each omitted one is left as it is). */
    setSettings(
      id: string,
      s: {
        labels?: Readonly<Record<string, string>>;
        description?: string;
        vcpus?: number;
        memoryBytes?: number;
      },
    ): void {
      setSettings.run({
        id,
        labels: s.labels === undefined ? null : JSON.stringify(s.labels),
        description: s.description ?? null,
        vcpus: s.vcpus ?? null,
        memory: s.memoryBytes ?? null,
        now: nowIso(),
      });
    },
    /** The linked clones whose disks sit on this VM's (a template's): it cannot go while they exist. */
    linkedChildren(id: string): VmSummary[] {
      return linkedChildren.all(id).map(toVm);
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
