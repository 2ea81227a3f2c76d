-- Templates and the VMs made from them. A template is a shut-off VM that is never started: its writable disks
-- became read-only bases. parent_id is the VM a clone was made from (full or linked); linked = 1 when the
-- clone's disks are qcow2 overlays on its parent's, so the parent cannot be deleted while the clone exists.
ALTER TABLE vms ADD COLUMN template INTEGER NOT NULL DEFAULT 0 CHECK (template IN (0, 1));
ALTER TABLE vms ADD COLUMN parent_id TEXT REFERENCES vms(id) ON DELETE SET NULL;
ALTER TABLE vms ADD COLUMN linked INTEGER NOT NULL DEFAULT 0 CHECK (linked IN (0, 1));
CREATE INDEX vms_parent ON vms(parent_id);

-- A template's base disk copied once to another host, checksum-verified, for the linked clones made there.
CREATE TABLE template_bases (
  template_id TEXT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
  host_id     TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  target      TEXT NOT NULL,                  -- the template's disk target (vda, …)
  pool        TEXT NOT NULL,
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (template_id, host_id, target)
) STRICT;
