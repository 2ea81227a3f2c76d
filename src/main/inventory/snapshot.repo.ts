/**
 * What the scheduler needs to know about every host of a project, read in a handful of queries (one per
 * table, not one per host), for src/main/services/placement.ts to shape into snapshots.
 */
import type { Db } from './db';

export interface SnapshotRows {
  readonly hosts: readonly {
    id: string;
    name: string;
    state: string;
    stale: number;
    maintenance: number;
    labels: string;
    facts: string;
    /** The placement policy's JSON ('{}': the defaults). */
    policy: string;
  }[];
  readonly vms: readonly {
    host_id: string;
    vcpus: number | null;
    memory_bytes: number | null;
    state: string;
    labels: string;
  }[];
  readonly pools: readonly {
    host_id: string;
    name: string;
    state: string;
    capacity_bytes: number;
    available_bytes: number;
  }[];
  readonly networks: readonly { host_id: string; name: string; active: number }[];
  readonly images: readonly { host_id: string; name: string; path: string }[];
}

export function createSnapshotRepo(db: Db) {
  const hosts = db.prepare(
    'SELECT id, name, state, stale, maintenance, labels, facts, policy FROM hosts WHERE project_id = ? ORDER BY name',
  );
  const inProject = 'host_id IN (SELECT id FROM hosts WHERE project_id = ?)';
  // VMs being created are left out: their placement's reservation holds their capacity until the task ends.
  const vms = db.prepare(
    `SELECT host_id, vcpus, memory_bytes, state, labels FROM vms WHERE ${inProject} AND state <> 'creating'`,
  );
  const pools = db.prepare(
    `SELECT host_id, name, state, capacity_bytes, available_bytes FROM storage_pools WHERE ${inProject}`,
  );
  const networks = db.prepare(`SELECT host_id, name, active FROM networks WHERE ${inProject}`);
  const images = db.prepare(
    `SELECT host_id, name, path FROM images WHERE kind IN ('cloud-image', 'iso') AND ${inProject}`,
  );
  return {
    /** Changes whenever another connection (another process) commits: a cached snapshot is then stale. */
    version(): number {
      return db.pragma('data_version', { simple: true }) as number;
    },
    read(projectId: string): SnapshotRows {
      return db.transaction(() => ({
        hosts: hosts.all(projectId) as SnapshotRows['hosts'],
        vms: vms.all(projectId) as SnapshotRows['vms'],
        pools: pools.all(projectId) as SnapshotRows['pools'],
        networks: networks.all(projectId) as SnapshotRows['networks'],
        images: images.all(projectId) as SnapshotRows['images'],
      }))();
    },
  };
}

export type SnapshotRepo = ReturnType<typeof createSnapshotRepo>;
