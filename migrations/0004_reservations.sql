-- Capacity held by placements whose creation has not finished: one row per VM being created. Placing and
-- booking is one IMMEDIATE write transaction that reads these rows, so two processes on one inventory (the
-- app and a qhci script) never book the same capacity. A row goes when its creation ends (the VM is then
-- in the snapshot, or gone), or when crash reconciliation finds its owner dead.
CREATE TABLE reservations (
  id            TEXT PRIMARY KEY,
  host_id       TEXT NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  vcpus         INTEGER NOT NULL CHECK (vcpus >= 0),
  memory_bytes  INTEGER NOT NULL CHECK (memory_bytes >= 0),
  pools         TEXT NOT NULL DEFAULT '{}',   -- JSON: pool name -> bytes held
  grp           TEXT,                         -- the anti-affinity group the VM will belong to
  owner         TEXT NOT NULL,                -- "hostname:pid" of the process that booked it
  task_id       TEXT,                         -- the creation task, once it exists
  created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX reservations_task ON reservations(task_id);
