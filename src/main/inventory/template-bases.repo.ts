/**
 * A template's base disks copied to other hosts: one verified copy per (template, host, disk target), made
 * by the first linked clone there and reused by the later ones. A row is written only once the copy's
 * SHA-256 matched the source's; a copy whose file has gone is forgotten by whoever finds it gone.
 */
import type { Db } from './db';
import { nowIso } from './rows';

interface BaseRow {
  template_id: string;
  host_id: string;
  target: string;
  pool: string;
  path: string;
  sha256: string;
  created_at: string;
}

export interface TemplateBase {
  readonly templateId: string;
  readonly hostId: string;
  /** The template's disk target (vda, …). */
  readonly target: string;
  readonly pool: string;
  readonly path: string;
  readonly sha256: string;
  readonly createdAt: string;
}

const toBase = (r: BaseRow): TemplateBase => ({
  templateId: r.template_id,
  hostId: r.host_id,
  target: r.target,
  pool: r.pool,
  path: r.path,
  sha256: r.sha256,
  createdAt: r.created_at,
});

export function createTemplateBasesRepo(db: Db) {
  const one = db.prepare<[string, string, string], BaseRow>(
    'SELECT * FROM template_bases WHERE template_id = ? AND host_id = ? AND target = ?',
  );
  const ofTemplate = db.prepare<[string], BaseRow>(
    'SELECT * FROM template_bases WHERE template_id = ? ORDER BY host_id, target',
  );
  const upsert = db.prepare(
    `INSERT INTO template_bases (template_id, host_id, target, pool, path, sha256, created_at)
     VALUES (@templateId, @hostId, @target, @pool, @path, @sha256, @now)
     ON CONFLICT (template_id, host_id, target) DO UPDATE SET
       pool = excluded.pool, path = excluded.path, sha256 = excluded.sha256, created_at = excluded.created_at`,
  );
  const remove = db.prepare(
    'DELETE FROM template_bases WHERE template_id = ? AND host_id = ? AND target = ?',
  );

  return {
    get(templateId: string, hostId: string, target: string): TemplateBase | undefined {
      const r = one.get(templateId, hostId, target);
      return r && toBase(r);
    },
    /** Every copy of a template's bases, on every host. */
    ofTemplate(templateId: string): TemplateBase[] {
      return ofTemplate.all(templateId).map(toBase);
    },
    /** Records a verified copy (replacing an older record of the same disk on that host). */
    record(base: Omit<TemplateBase, 'createdAt'>): void {
      upsert.run({ ...base, now: nowIso() });
    },
    forget(templateId: string, hostId: string, target: string): boolean {
      return remove.run(templateId, hostId, target).changes > 0;
    },
  };
}

export type TemplateBasesRepo = ReturnType<typeof createTemplateBasesRepo>;
