import {
  hostPolicyOf,
  storedCpuVariant,
  type HostKind,
  type HostPolicy,
  type HostState,
  type HostSummary,
  type NodeFacts,
  type StoredAuth,
} from '../../shared/domain/host';
import type { CpuVariant } from '../../shared/domain/cpu';
import type { Db } from './db';
import { newId, nowIso, parseJson } from './rows';

interface HostRow {
  id: string;
  ssh_sha1: number;
  project_id: string;
  name: string;
  kind: HostKind;
  uri: string;
  address: string | null;
  port: number | null;
  username: string | null;
  auth: string;
  labels: string;
  state: HostState;
  maintenance: number;
  stale: number;
  last_seen: string | null;
  last_error: string | null;
  facts: string;
  /** JSON of the host's placement policy; '{}' (the defaults) until one is set. */
  policy: string;
  /** The CPU variant that last started under KVM here (0003_cpu_mode). */
  cpu_mode: string | null;
  created_at: string;
  updated_at: string;
  vm_count: number;
}

export interface HostRecord {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly kind: HostKind;
  readonly uri: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly username: string | null;
  readonly auth: StoredAuth | null;
  /** SSH hosts: the user agreed to SHA-1 algorithms for this old host. */
  readonly allowSha1?: boolean;
}

const toSummary = (r: HostRow): HostSummary => {
  const auth = parseJson<StoredAuth | null>(r.auth, null);
  const facts = parseJson<NodeFacts | Record<string, never>>(r.facts, {});
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    kind: r.kind,
    uri: r.uri,
    address: r.address,
    port: r.port,
    user: r.username,
    authMethod: auth?.method ?? null,
    allowSha1: r.ssh_sha1 === 1,
    state: r.state,
    stale: r.stale === 1,
    lastSeen: r.last_seen,
    lastError: r.last_error,
    maintenance: r.maintenance === 1,
    facts: 'cpus' in facts ? (facts as NodeFacts) : null,
    labels: parseJson<Record<string, string>>(r.labels, {}),
    policy: hostPolicyOf(parseJson<unknown>(r.policy, {})),
    cpuMode: storedCpuVariant(r.cpu_mode),
    vmCount: r.vm_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

const SELECT = `SELECT h.*, (SELECT count(*) FROM vms v WHERE v.host_id = h.id) AS vm_count FROM hosts h`;

export function createHostsRepo(db: Db) {
  const byId = db.prepare<[string], HostRow>(`${SELECT} WHERE h.id = ?`);
  const byProject = db.prepare<[string], HostRow>(
    `${SELECT} WHERE h.project_id = ? ORDER BY h.name COLLATE NOCASE`,
  );
  const all = db.prepare<[], HostRow>(`${SELECT} ORDER BY h.name COLLATE NOCASE`);
  const byName = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM hosts WHERE project_id = ? AND name = ? COLLATE NOCASE',
  );
  const insert = db.prepare(
    `INSERT INTO hosts (id, project_id, name, kind, uri, address, port, username, auth, ssh_sha1, labels, state,
       created_at, updated_at)
     VALUES (@id, @projectId, @name, @kind, @uri, @address, @port, @username, @auth, @sha1, '{}', 'unknown', @now,
       @now)`,
  );
  const update = db.prepare(
    `UPDATE hosts SET name = @name, uri = @uri, address = @address, port = @port, username = @username, auth = @auth,
     ssh_sha1 = @sha1, updated_at = @now WHERE id = @id`,
  );
  const setState = db.prepare(
    `UPDATE hosts SET state = @state, stale = @stale, last_error = @lastError,
     last_seen = COALESCE(@lastSeen, last_seen) WHERE id = @id`,
  );
  const setFacts = db.prepare(
    `UPDATE hosts SET facts = @facts, cpu_model = @cpuModel, cpu_cores = @cpus, cpu_threads = @threads,
     memory_bytes = @memoryBytes, kvm_usable = @kvm, uefi_available = @uefi,
     cpu_mode = CASE WHEN cpu_model IS @cpuModel THEN cpu_mode END
     WHERE id = @id`,
  );
  const setPolicy = db.prepare('UPDATE hosts SET policy = @policy, updated_at = @now WHERE id = @id');
  const setCpuMode = db.prepare('UPDATE hosts SET cpu_mode = @mode WHERE id = @id');
  const setMaintenance = db.prepare('UPDATE hosts SET maintenance = @on, updated_at = @now WHERE id = @id');
  const remove = db.prepare('DELETE FROM hosts WHERE id = ?');

  const record = (r: HostRow): HostRecord => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    kind: r.kind,
    uri: r.uri,
    address: r.address,
    port: r.port,
    username: r.username,
    auth: parseJson<StoredAuth | null>(r.auth, null),
    allowSha1: r.ssh_sha1 === 1,
  });

  return {
    get(id: string): HostSummary | undefined {
      const r = byId.get(id);
      return r && toSummary(r);
    },
    getRecord(id: string): HostRecord | undefined {
      const r = byId.get(id);
      return r && record(r);
    },
    list(projectId?: string): HostSummary[] {
      return (projectId === undefined ? all.all() : byProject.all(projectId)).map(toSummary);
    },
    records(): HostRecord[] {
      return all.all().map(record);
    },
    idByName(projectId: string, name: string): string | undefined {
      return byName.get(projectId, name)?.id;
    },
    insert(h: Omit<HostRecord, 'id'> & { id?: string }): string {
      const id = h.id ?? newId();
      insert.run({
        id,
        projectId: h.projectId,
        name: h.name,
        kind: h.kind,
        uri: h.uri,
        address: h.address,
        port: h.port,
        username: h.username,
        auth: JSON.stringify(h.auth ?? {}),
        sha1: h.allowSha1 ? 1 : 0,
        now: nowIso(),
      });
      return id;
    },
    update(h: HostRecord): void {
      update.run({
        id: h.id,
        name: h.name,
        uri: h.uri,
        address: h.address,
        port: h.port,
        username: h.username,
        auth: JSON.stringify(h.auth ?? {}),
        sha1: h.allowSha1 ? 1 : 0,
        now: nowIso(),
      });
    },
    setState(
      id: string,
      s: { state: HostState; stale: boolean; lastError: string | null; seen: boolean },
    ): void {
      setState.run({
        id,
        state: s.state,
        stale: s.stale ? 1 : 0,
        lastError: s.lastError,
        lastSeen: s.seen ? nowIso() : null,
      });
    },
    /** Stores what a sync read. A host whose CPU changed forgets the CPU mode found on the old one. */
    setFacts(id: string, f: NodeFacts): void {
      setFacts.run({
        id,
        facts: JSON.stringify(f),
        cpuModel: f.cpuModel,
        cpus: f.cpus,
        threads: f.threads,
        memoryBytes: f.memoryBytes,
        kvm: f.domainType === 'kvm' ? 1 : 0,
        uefi: f.uefiAvailable ? 1 : 0,
      });
    },
    /** Stores the whole policy (validated by the caller: see HostPolicy). */
    setPolicy(id: string, policy: HostPolicy): void {
      setPolicy.run({ id, policy: JSON.stringify(policy), now: nowIso() });
    },
    /** In maintenance, placement skips the host (it keeps its VMs until they are moved). */
    setMaintenance(id: string, on: boolean): void {
      setMaintenance.run({ id, on: on ? 1 : 0, now: nowIso() });
    },
    /** Records the CPU variant that started under KVM here (null forgets it). */
    setCpuMode(id: string, mode: CpuVariant | null): void {
      setCpuMode.run({ id, mode });
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
  };
}

export type HostsRepo = ReturnType<typeof createHostsRepo>;
