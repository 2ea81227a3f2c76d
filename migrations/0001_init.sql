-- QHCI inventory, first schema. Append-only: never edit this file once it has landed.
-- Times are ISO-8601 UTC strings. Ids are UUIDs. JSON columns hold objects written by main only.

CREATE TABLE projects (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at  TEXT NOT NULL
) STRICT;

INSERT INTO projects (id, name, created_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'Default', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE folders (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  parent_id   TEXT REFERENCES folders(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  path        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  CHECK ((parent_id IS NULL AND path = '/' AND name = '') OR (parent_id IS NOT NULL AND path <> '/' AND name <> ''))
) STRICT;
CREATE INDEX folders_project ON folders(project_id);
CREATE INDEX folders_parent ON folders(parent_id);
CREATE UNIQUE INDEX folders_path ON folders(project_id, path);
CREATE UNIQUE INDEX folders_sibling_name ON folders(parent_id, name COLLATE NOCASE) WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX folders_one_root ON folders(project_id) WHERE parent_id IS NULL;

INSERT INTO folders (id, project_id, parent_id, name, path, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-000000000001', NULL, '', '/',
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE customization_specs (
  id                  TEXT PRIMARY KEY,
  project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name                TEXT NOT NULL,
  description         TEXT NOT NULL DEFAULT '',
  os_family           TEXT NOT NULL CHECK (os_family IN ('linux', 'windows')),
  timezone            TEXT NOT NULL,
  hostname_template   TEXT NOT NULL,
  install_agent       INTEGER NOT NULL DEFAULT 0 CHECK (install_agent IN (0, 1)),
  user_data           TEXT NOT NULL DEFAULT '',
  meta_data           TEXT NOT NULL DEFAULT '',
  network_config      TEXT NOT NULL DEFAULT '',
  ssh_keys            TEXT NOT NULL DEFAULT '[]',   -- JSON array of normalised public keys
  admin_password_hash TEXT CHECK (admin_password_hash IS NULL OR admin_password_hash LIKE '$6$%'),
  labels              TEXT NOT NULL DEFAULT '{}',   -- JSON object
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX customization_specs_project ON customization_specs(project_id);
CREATE UNIQUE INDEX customization_specs_name ON customization_specs(project_id, name COLLATE NOCASE);

CREATE TABLE hosts (
  id            TEXT PRIMARY KEY,
  project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('libvirt', 'ssh')),
  uri           TEXT NOT NULL,                   -- libvirt URI (for ssh hosts: the URI virsh uses on the host)
  address       TEXT,                            -- ssh: host name or address
  port          INTEGER,
  username      TEXT,
  auth          TEXT NOT NULL DEFAULT '{}',      -- JSON: method and a secret-store reference, never a secret
  labels        TEXT NOT NULL DEFAULT '{}',
  state         TEXT NOT NULL DEFAULT 'unknown', -- connected | disconnected | error | unknown
  maintenance   INTEGER NOT NULL DEFAULT 0 CHECK (maintenance IN (0, 1)),
  stale         INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
  last_seen     TEXT,
  last_error    TEXT,
  cpu_model     TEXT,
  cpu_cores     INTEGER,
  cpu_threads   INTEGER,
  memory_bytes  INTEGER,
  kvm_usable    INTEGER,
  uefi_available INTEGER,
  facts         TEXT NOT NULL DEFAULT '{}',      -- JSON: reserves, overcommit, domcapabilities summary
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX hosts_name ON hosts(project_id, name COLLATE NOCASE);

CREATE TABLE storage_pools (
  id               TEXT PRIMARY KEY,
  host_id          TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  uuid             TEXT,
  type             TEXT NOT NULL,
  path             TEXT,
  state            TEXT NOT NULL,
  capacity_bytes   INTEGER NOT NULL DEFAULT 0,
  allocation_bytes INTEGER NOT NULL DEFAULT 0,
  available_bytes  INTEGER NOT NULL DEFAULT 0,
  updated_at       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX storage_pools_host_name ON storage_pools(host_id, name);

CREATE TABLE networks (
  id          TEXT PRIMARY KEY,
  host_id     TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  uuid        TEXT,
  forward     TEXT,
  bridge      TEXT,
  active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX networks_host_name ON networks(host_id, name);

CREATE TABLE images (
  id                TEXT PRIMARY KEY,
  host_id           TEXT REFERENCES hosts(id) ON DELETE CASCADE,  -- NULL: a file on the workstation
  pool_id           TEXT REFERENCES storage_pools(id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  path              TEXT NOT NULL,
  kind              TEXT NOT NULL CHECK (kind IN ('cloud-image', 'iso', 'disk')),
  format            TEXT,
  virtual_bytes     INTEGER,
  allocation_bytes  INTEGER,
  backing_path      TEXT,
  sha256            TEXT,
  updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX images_host ON images(host_id);
CREATE INDEX images_pool ON images(pool_id);
CREATE UNIQUE INDEX images_host_path ON images(host_id, path);

CREATE TABLE vms (
  id            TEXT PRIMARY KEY,
  project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  folder_id     TEXT REFERENCES folders(id) ON DELETE SET NULL,
  host_id       TEXT REFERENCES hosts(id) ON DELETE SET NULL,
  uuid          TEXT,                         -- libvirt domain uuid once defined
  name          TEXT NOT NULL,
  state         TEXT NOT NULL DEFAULT 'unknown',
  vcpus         INTEGER,
  memory_bytes  INTEGER,
  labels        TEXT NOT NULL DEFAULT '{}',
  details       TEXT NOT NULL DEFAULT '{}',   -- JSON: disks (with backing chains), NICs, graphics, domain type
  request       TEXT,                         -- JSON: the create request as submitted (secrets removed)
  scheduled_at  TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX vms_folder ON vms(folder_id);
CREATE INDEX vms_host ON vms(host_id);
CREATE INDEX vms_project ON vms(project_id);
CREATE UNIQUE INDEX vms_host_uuid ON vms(host_id, uuid);

CREATE TABLE tasks (
  id           TEXT PRIMARY KEY,
  project_id   TEXT REFERENCES projects(id) ON DELETE SET NULL,
  kind         TEXT NOT NULL,
  target_type  TEXT,
  target_id    TEXT,
  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress     REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  input        TEXT,                          -- JSON (secrets removed)
  result       TEXT,                          -- JSON
  error        TEXT,                          -- JSON AppError
  created_at   TEXT NOT NULL,
  started_at   TEXT,
  finished_at  TEXT
) STRICT;
CREATE INDEX tasks_state ON tasks(state);
CREATE INDEX tasks_created ON tasks(created_at);
CREATE INDEX tasks_target ON tasks(target_type, target_id);

CREATE TABLE task_steps (
  task_id      TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  name         TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped', 'rolled-back')),
  progress     REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  detail       TEXT,
  undo         TEXT,                          -- JSON: what rollback must remove for this step
  started_at   TEXT,
  finished_at  TEXT,
  PRIMARY KEY (task_id, seq)
) STRICT;
