-- Provisioning: per-host placement policy, task titles and the interrupted flag, settings.

-- Per-host scheduling policy (JSON: reserve, overcommit, reserveStoppedVms); {} means the defaults.
ALTER TABLE hosts ADD COLUMN policy TEXT NOT NULL DEFAULT '{}';

-- A readable title for the task list ("Create VM web-1"), and whether the app found the task unfinished at
-- start (it was rolled back and failed as interrupted).
ALTER TABLE tasks ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1));
-- Which process runs the task ("hostname:pid") and when it last said so: a task whose owner is gone is
-- reconciled (rolled back) by the next process that opens the inventory.
ALTER TABLE tasks ADD COLUMN owner TEXT;
ALTER TABLE tasks ADD COLUMN heartbeat_at TEXT;

-- Application settings (the control-plane agent URL and its SHA-256, …): key → JSON value.
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
