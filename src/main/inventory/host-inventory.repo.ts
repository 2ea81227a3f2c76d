/**
 * What a host has (pools, networks, volumes, domains), written in one transaction per sync. Rows keep their
 * ids across syncs (upsert by natural key) and rows the host no longer has are removed.
 */
import type {
  DomainInfo,
  Network,
  StoragePool,
  StoredNetwork,
  StoredPool,
  StoredVolume,
  Volume,
} from '../../shared/domain/host';
import type { VmState } from '../../shared/domain/vm';
import type { Db } from './db';
import { newId, nowIso } from './rows';

export interface SyncedDomain {
  readonly info: DomainInfo;
  readonly state: VmState;
}

export interface HostInventory {
  readonly pools: readonly StoragePool[];
  readonly networks: readonly Network[];
  readonly volumes: readonly Volume[];
  readonly domains: readonly SyncedDomain[];
}

interface PoolRow {
  id: string;
  host_id: string;
  name: string;
  uuid: string | null;
  type: string;
  path: string | null;
  state: StoragePool['state'];
  capacity_bytes: number;
  allocation_bytes: number;
  available_bytes: number;
}

interface NetRow {
  id: string;
  host_id: string;
  name: string;
  uuid: string | null;
  forward: string | null;
  bridge: string | null;
  active: number;
}

interface ImageRow {
  id: string;
  host_id: string;
  pool_name: string;
  name: string;
  path: string;
  kind: Volume['kind'];
  format: string | null;
  virtual_bytes: number | null;
  allocation_bytes: number | null;
  backing_path: string | null;
}

/** Temporary tables of the keys seen in this sync, so deletes are one statement however many rows. */
function keepOnly(
  db: Db,
  table: string,
  hostId: string,
  keyColumn: string,
  keys: readonly string[],
  extraCondition = '',
): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS qhci_keep (k TEXT PRIMARY KEY) WITHOUT ROWID');
  db.exec('DELETE FROM qhci_keep');
  const ins = db.prepare('INSERT OR IGNORE INTO qhci_keep (k) VALUES (?)');
  for (const k of keys) ins.run(k);
  db.prepare(
    `DELETE FROM ${table} WHERE host_id = ? AND ${keyColumn} IS NOT NULL AND ${keyColumn} NOT IN (SELECT k FROM qhci_keep)${extraCondition}`,
  ).run(hostId);
}

export function createHostInventoryRepo(db: Db) {
  const upsertPool = db.prepare(
    `INSERT INTO storage_pools (id, host_id, name, uuid, type, path, state, capacity_bytes, allocation_bytes, available_bytes, updated_at)
     VALUES (@id, @hostId, @name, @uuid, @type, @path, @state, @capacity, @allocation, @available, @now)
     ON CONFLICT(host_id, name) DO UPDATE SET uuid = excluded.uuid, type = excluded.type, path = excluded.path,
       state = excluded.state, capacity_bytes = excluded.capacity_bytes, allocation_bytes = excluded.allocation_bytes,
       available_bytes = excluded.available_bytes, updated_at = excluded.updated_at`,
  );
  const upsertNet = db.prepare(
    `INSERT INTO networks (id, host_id, name, uuid, forward, bridge, active, updated_at)
     VALUES (@id, @hostId, @name, @uuid, @forward, @bridge, @active, @now)
     ON CONFLICT(host_id, name) DO UPDATE SET uuid = excluded.uuid, forward = excluded.forward, bridge = excluded.bridge,
       active = excluded.active, updated_at = excluded.updated_at`,
  );
  const poolId = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM storage_pools WHERE host_id = ? AND name = ?',
  );
  const upsertImage = db.prepare(
    `INSERT INTO images (id, host_id, pool_id, name, path, kind, format, virtual_bytes, allocation_bytes, backing_path, updated_at)
     VALUES (@id, @hostId, @poolId, @name, @path, @kind, @format, @virtual, @allocation, @backing, @now)
     ON CONFLICT(host_id, path) DO UPDATE SET pool_id = excluded.pool_id, name = excluded.name, kind = excluded.kind,
       format = excluded.format, virtual_bytes = excluded.virtual_bytes, allocation_bytes = excluded.allocation_bytes,
       backing_path = excluded.backing_path, updated_at = excluded.updated_at`,
  );
  const upsertVm = db.prepare(
    `INSERT INTO vms (id, project_id, host_id, uuid, name, state, vcpus, memory_bytes, details, created_at, updated_at)
     VALUES (@id, @projectId, @hostId, @uuid, @name, @state, @vcpus, @memory, @details, @now, @now)
     ON CONFLICT(host_id, uuid) DO UPDATE SET name = excluded.name,
       state = CASE WHEN vms.state = 'creating' THEN 'creating' ELSE excluded.state END, vcpus = excluded.vcpus,
       memory_bytes = excluded.memory_bytes, details = excluded.details, updated_at = excluded.updated_at`,
  );
  const setVmState = db.prepare(
    "UPDATE vms SET state = ?, updated_at = ? WHERE host_id = ? AND uuid = ? AND state <> 'creating'",
  );
  const deleteVm = db.prepare('DELETE FROM vms WHERE host_id = ? AND uuid = ?');
  const vmByUuid = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM vms WHERE host_id = ? AND uuid = ?',
  );
  const vmByName = db.prepare<[string, string], { id: string; uuid: string | null }>(
    'SELECT id, uuid FROM vms WHERE host_id = ? AND name = ?',
  );
  const deleteHostVms = db.prepare('DELETE FROM vms WHERE host_id = ?');
  const deleteImage = db.prepare('DELETE FROM images WHERE host_id = ? AND path = ?');
  const pools = db.prepare<[string], PoolRow>('SELECT * FROM storage_pools WHERE host_id = ? ORDER BY name');
  const nets = db.prepare<[string], NetRow>('SELECT * FROM networks WHERE host_id = ? ORDER BY name');
  const images = db.prepare<[string], ImageRow>(
    `SELECT i.*, p.name AS pool_name FROM images i JOIN storage_pools p ON p.id = i.pool_id WHERE i.host_id = ? ORDER BY p.name, i.name`,
  );

  const writeDomain = (hostId: string, projectId: string, d: SyncedDomain, now: string) =>
    upsertVm.run({
      id: newId(),
      projectId,
      hostId,
      uuid: d.info.uuid,
      name: d.info.name,
      state: d.state,
      vcpus: d.info.vcpus,
      memory: d.info.memoryBytes,
      details: JSON.stringify({
        type: d.info.type,
        disks: d.info.disks,
        nics: d.info.nics,
        graphics: d.info.graphics,
      }),
      now,
    });

  const writePool = (hostId: string, p: HostInventory['pools'][number], now: string) =>
    upsertPool.run({
      id: newId(),
      hostId,
      name: p.name,
      uuid: p.uuid || null,
      type: p.type,
      path: p.path,
      state: p.state,
      capacity: p.capacityBytes,
      allocation: p.allocationBytes,
      available: p.availableBytes,
      now,
    });

  const writeVolume = (hostId: string, v: HostInventory['volumes'][number], now: string) => {
    const pool = poolId.get(hostId, v.pool);
    if (!pool) return;
    upsertImage.run({
      id: newId(),
      hostId,
      poolId: pool.id,
      name: v.name,
      path: v.path,
      kind: v.kind,
      format: v.format,
      virtual: v.capacityBytes,
      allocation: v.allocationBytes,
      backing: v.backingPath,
      now,
    });
  };

  return {
    /**
     * Updates some pools and volumes (what a change on the host touched) and leaves everything else as the
     * last sync left it. Call inside a transaction.
     */
    absorb(hostId: string, part: Pick<HostInventory, 'pools' | 'volumes'>): void {
      const now = nowIso();
      for (const p of part.pools) writePool(hostId, p, now);
      for (const v of part.volumes) writeVolume(hostId, v, now);
    },
    /** Replaces what the inventory knows of a host with what a full sync read. Call inside a transaction. */
    replace(hostId: string, projectId: string, inv: HostInventory): void {
      const now = nowIso();
      for (const p of inv.pools) writePool(hostId, p, now);
      keepOnly(
        db,
        'storage_pools',
        hostId,
        'name',
        inv.pools.map((p) => p.name),
      );
      for (const n of inv.networks) {
        upsertNet.run({
          id: newId(),
          hostId,
          name: n.name,
          uuid: n.uuid || null,
          forward: n.forward,
          bridge: n.bridge,
          active: n.active ? 1 : 0,
          now,
        });
      }
      keepOnly(
        db,
        'networks',
        hostId,
        'name',
        inv.networks.map((n) => n.name),
      );
      for (const v of inv.volumes) writeVolume(hostId, v, now);
      keepOnly(
        db,
        'images',
        hostId,
        'path',
        inv.volumes.map((v) => v.path),
      );
      for (const d of inv.domains) writeDomain(hostId, projectId, d, now);
      keepOnly(
        db,
        'vms',
        hostId,
        'uuid',
        inv.domains.map((d) => d.info.uuid),
        // A VM being created is not defined yet (or only just): its task owns the row, a sync leaves it.
        " AND state <> 'creating'",
      );
    },
    /** One domain changed (an event): insert or update it. */
    upsertDomain(hostId: string, projectId: string, d: SyncedDomain): string {
      writeDomain(hostId, projectId, d, nowIso());
      return vmByUuid.get(hostId, d.info.uuid)!.id;
    },
    setDomainState(hostId: string, uuid: string, state: VmState): void {
      setVmState.run(state, nowIso(), hostId, uuid);
    },
    removeDomain(hostId: string, uuid: string): string | undefined {
      const id = vmByUuid.get(hostId, uuid)?.id;
      deleteVm.run(hostId, uuid);
      return id;
    },
    /** Volumes that were deleted on the host (by path). */
    removeVolumes(hostId: string, paths: readonly string[]): void {
      for (const path of paths) deleteImage.run(hostId, path);
    },
    /** A domain that was undefined: found by name, since its uuid can no longer be asked for. */
    removeDomainByName(hostId: string, name: string): string | undefined {
      const row = vmByName.get(hostId, name);
      if (row?.uuid) deleteVm.run(hostId, row.uuid);
      return row?.id;
    },
    /** Forgets every VM of a host (the host is being removed from the inventory). */
    removeHostVms(hostId: string): number {
      return deleteHostVms.run(hostId).changes;
    },
    vmId(hostId: string, uuid: string): string | undefined {
      return vmByUuid.get(hostId, uuid)?.id;
    },
    pools(hostId: string): StoredPool[] {
      return pools.all(hostId).map((r) => ({
        id: r.id,
        hostId: r.host_id,
        name: r.name,
        uuid: r.uuid ?? '',
        type: r.type,
        path: r.path,
        state: r.state,
        capacityBytes: r.capacity_bytes,
        allocationBytes: r.allocation_bytes,
        availableBytes: r.available_bytes,
      }));
    },
    networks(hostId: string): StoredNetwork[] {
      return nets.all(hostId).map((r) => ({
        id: r.id,
        hostId: r.host_id,
        name: r.name,
        uuid: r.uuid ?? '',
        forward: r.forward,
        bridge: r.bridge,
        active: r.active === 1,
      }));
    },
    volumes(hostId: string): StoredVolume[] {
      return images.all(hostId).map((r) => ({
        id: r.id,
        hostId: r.host_id,
        pool: r.pool_name,
        name: r.name,
        path: r.path,
        format: r.format,
        capacityBytes: r.virtual_bytes ?? 0,
        allocationBytes: r.allocation_bytes ?? 0,
        backingPath: r.backing_path,
        kind: r.kind,
      }));
    },
  };
}

export type HostInventoryRepo = ReturnType<typeof createHostInventoryRepo>;
