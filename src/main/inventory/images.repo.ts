/** Images and volumes as the inventory knows them from host syncs (and uploads), with their backing chains. */
import type { ImageSummary } from '../../shared/domain/provision';
import type { Db } from './db';

interface ImageRow {
  id: string;
  host_id: string | null;
  host_name: string | null;
  pool: string | null;
  pool_path: string | null;
  pool_type: string | null;
  name: string;
  path: string;
  kind: ImageSummary['kind'];
  format: string | null;
  virtual_bytes: number | null;
  allocation_bytes: number | null;
  backing_path: string | null;
  used_by: number;
  attached: number;
}

export interface StoredImage extends ImageSummary {
  readonly poolPath: string | null;
  readonly poolType: string | null;
}

// An image is used by the overlays on its host whose backing file it is, and attached when a VM's disk
// (or cdrom) on its host has it as source.
const SELECT = `
  SELECT i.id, i.host_id, h.name AS host_name, p.name AS pool, p.path AS pool_path, p.type AS pool_type,
    i.name, i.path, i.kind, i.format, i.virtual_bytes, i.allocation_bytes, i.backing_path,
    (SELECT count(*) FROM images o WHERE o.host_id IS i.host_id AND o.backing_path = i.path) AS used_by,
    EXISTS (SELECT 1 FROM vms v, json_each(v.details, '$.disks') d
            WHERE v.host_id IS i.host_id AND json_extract(d.value, '$.source') = i.path) AS attached
  FROM images i
  LEFT JOIN hosts h ON h.id = i.host_id
  LEFT JOIN storage_pools p ON p.id = i.pool_id`;

const toImage = (r: ImageRow): StoredImage => ({
  id: r.id,
  hostId: r.host_id,
  hostName: r.host_name,
  pool: r.pool,
  name: r.name,
  path: r.path,
  kind: r.kind,
  format: r.format,
  virtualBytes: r.virtual_bytes,
  allocationBytes: r.allocation_bytes,
  backingPath: r.backing_path,
  usedBy: r.used_by,
  attached: r.attached === 1,
  poolPath: r.pool_path,
  poolType: r.pool_type,
});

export function createImagesRepo(db: Db) {
  const byId = db.prepare<[string], ImageRow>(`${SELECT} WHERE i.id = ?`);
  const byProject = db.prepare<[string], ImageRow>(
    `${SELECT} WHERE i.host_id IN (SELECT id FROM hosts WHERE project_id = ?) ORDER BY h.name, p.name, i.name`,
  );
  const byHostPoolName = db.prepare<[string, string, string], ImageRow>(
    `${SELECT} WHERE i.host_id = ? AND p.name = ? AND i.name = ?`,
  );
  return {
    get(id: string): StoredImage | undefined {
      const r = byId.get(id);
      return r && toImage(r);
    },
    list(projectId: string, filter: { hostId?: string; kind?: ImageSummary['kind'] } = {}): StoredImage[] {
      return byProject
        .all(projectId)
        .filter(
          (r) =>
            (filter.hostId === undefined || r.host_id === filter.hostId) &&
            (filter.kind === undefined || r.kind === filter.kind),
        )
        .map(toImage);
    },
    find(hostId: string, pool: string, name: string): StoredImage | undefined {
      const r = byHostPoolName.get(hostId, pool, name);
      return r && toImage(r);
    },
  };
}

export type ImagesRepo = ReturnType<typeof createImagesRepo>;
