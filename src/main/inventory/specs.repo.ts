import type { CustomizationSpec, OsFamily } from '../../shared/domain/spec';
import type { Db } from './db';
import { newId, nowIso, parseJson } from './rows';

interface SpecRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  os_family: OsFamily;
  timezone: string;
  hostname_template: string;
  install_agent: number;
  user_data: string;
  meta_data: string;
  network_config: string;
  ssh_keys: string;
  admin_password_hash: string | null;
  labels: string;
  created_at: string;
  updated_at: string;
}

/** The stored form of a spec's editable fields; the password only ever as a crypt hash. */
export interface SpecRecord {
  name: string;
  description: string;
  osFamily: OsFamily;
  timezone: string;
  hostnameTemplate: string;
  installAgent: boolean;
  userData: string;
  metaData: string;
  networkConfig: string;
  sshKeys: readonly string[];
  labels: Readonly<Record<string, string>>;
  adminPasswordHash: string | null;
}

const toSpec = (r: SpecRow): CustomizationSpec => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  description: r.description,
  osFamily: r.os_family,
  timezone: r.timezone,
  hostnameTemplate: r.hostname_template,
  installAgent: r.install_agent === 1,
  userData: r.user_data,
  metaData: r.meta_data,
  networkConfig: r.network_config,
  sshKeys: parseJson<string[]>(r.ssh_keys, []),
  adminPasswordSet: r.admin_password_hash !== null,
  labels: parseJson<Record<string, string>>(r.labels, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRecord = (r: SpecRow): SpecRecord => ({
  name: r.name,
  description: r.description,
  osFamily: r.os_family,
  timezone: r.timezone,
  hostnameTemplate: r.hostname_template,
  installAgent: r.install_agent === 1,
  userData: r.user_data,
  metaData: r.meta_data,
  networkConfig: r.network_config,
  sshKeys: parseJson<string[]>(r.ssh_keys, []),
  labels: parseJson<Record<string, string>>(r.labels, {}),
  adminPasswordHash: r.admin_password_hash,
});

const params = (rec: SpecRecord) => ({
  name: rec.name,
  description: rec.description,
  os_family: rec.osFamily,
  timezone: rec.timezone,
  hostname_template: rec.hostnameTemplate,
  install_agent: rec.installAgent ? 1 : 0,
  user_data: rec.userData,
  meta_data: rec.metaData,
  network_config: rec.networkConfig,
  ssh_keys: JSON.stringify(rec.sshKeys),
  admin_password_hash: rec.adminPasswordHash,
  labels: JSON.stringify(rec.labels),
});

export function createSpecsRepo(db: Db) {
  const byId = db.prepare<[string], SpecRow>('SELECT * FROM customization_specs WHERE id = ?');
  const byName = db.prepare<[string, string], SpecRow>(
    'SELECT * FROM customization_specs WHERE project_id = ? AND name = ? COLLATE NOCASE',
  );
  const byProject = db.prepare<[string], SpecRow>(
    'SELECT * FROM customization_specs WHERE project_id = ? ORDER BY name COLLATE NOCASE',
  );
  const insert = db.prepare(
    `INSERT INTO customization_specs (id, project_id, name, description, os_family, timezone, hostname_template,
       install_agent, user_data, meta_data, network_config, ssh_keys, admin_password_hash, labels, created_at, updated_at)
     VALUES (@id, @project_id, @name, @description, @os_family, @timezone, @hostname_template, @install_agent,
       @user_data, @meta_data, @network_config, @ssh_keys, @admin_password_hash, @labels, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE customization_specs SET name = @name, description = @description, os_family = @os_family,
       timezone = @timezone, hostname_template = @hostname_template, install_agent = @install_agent,
       user_data = @user_data, meta_data = @meta_data, network_config = @network_config, ssh_keys = @ssh_keys,
       admin_password_hash = @admin_password_hash, labels = @labels, updated_at = @now
     WHERE id = @id`,
  );
  const remove = db.prepare('DELETE FROM customization_specs WHERE id = ?');

  return {
    get(id: string): CustomizationSpec | undefined {
      const r = byId.get(id);
      return r && toSpec(r);
    },
    /** The stored fields, password hash included: for main-side use only (cloud-init), never for IPC. */
    getRecord(id: string): (SpecRecord & { projectId: string }) | undefined {
      const r = byId.get(id);
      return r && { ...toRecord(r), projectId: r.project_id };
    },
    findByName(projectId: string, name: string): CustomizationSpec | undefined {
      const r = byName.get(projectId, name);
      return r && toSpec(r);
    },
    list(projectId: string): CustomizationSpec[] {
      return byProject.all(projectId).map(toSpec);
    },
    insert(projectId: string, rec: SpecRecord): CustomizationSpec {
      const id = newId();
      insert.run({ id, project_id: projectId, now: nowIso(), ...params(rec) });
      return toSpec(byId.get(id)!);
    },
    update(id: string, rec: SpecRecord): CustomizationSpec {
      update.run({ id, now: nowIso(), ...params(rec) });
      return toSpec(byId.get(id)!);
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
  };
}

export type SpecsRepo = ReturnType<typeof createSpecsRepo>;
