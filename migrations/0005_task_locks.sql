-- One operation per target at a time, across processes: an unfinished task holds its lock key (e.g.
-- "vm:<id>", "volume:<host>/<pool>/<name>"), and the partial unique index refuses a second unfinished task
-- with the same key inside the INSERT itself. A finished task leaves the index by changing state; a task
-- whose process died keeps its key until crash reconciliation rolls it back and marks it failed.
ALTER TABLE tasks ADD COLUMN lock_key TEXT;
CREATE UNIQUE INDEX tasks_one_per_lock ON tasks(lock_key)
  WHERE lock_key IS NOT NULL AND state IN ('queued', 'running');
