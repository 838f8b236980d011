-- Many scheduler instances: leases with fencing tokens, a fire ledger, Ensure's unique key and
-- optimistic versions (SQLite). ALTER TABLE ADD COLUMN cannot add table constraints, so the
-- checks sit on the columns.
-- Bumped by every change to the row's task fields (Update, UpdateRunTimes, CompleteClaim).
ALTER TABLE scheduled_tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
-- Set only by Ensure: the unique key that makes concurrent Ensure calls create one row. NULL
-- for tasks made by Create (NULLs never collide), cleared when Update changes the definition.
ALTER TABLE scheduled_tasks ADD COLUMN ensure_sha256 TEXT CHECK (length(ensure_sha256) = 64);
-- The live lease, if any: who claimed the task and until when (Unix microseconds).
ALTER TABLE scheduled_tasks ADD COLUMN lease_owner TEXT CHECK (length(CAST(lease_owner AS BLOB)) BETWEEN 1 AND 255);
ALTER TABLE scheduled_tasks ADD COLUMN lease_until_us INTEGER;
-- Fencing token: bumped by every claim; CompleteClaim and ReleaseClaim must present it.
ALTER TABLE scheduled_tasks ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0 CHECK (lease_token >= 0);

CREATE UNIQUE INDEX scheduled_tasks_ensure_idx ON scheduled_tasks (ensure_sha256);

-- One row per fired occurrence. The primary key makes a second fire of the same occurrence
-- impossible, whatever the clocks say. The cascade needs PRAGMA foreign_keys=ON (Open sets it).
CREATE TABLE scheduled_task_fires (
    task_id          TEXT    NOT NULL,
    scheduled_for_us INTEGER NOT NULL,
    owner            TEXT    NOT NULL,
    fired_at_us      INTEGER NOT NULL,
    CONSTRAINT scheduled_task_fires_pkey PRIMARY KEY (task_id, scheduled_for_us),
    CONSTRAINT scheduled_task_fires_task_fkey FOREIGN KEY (task_id)
        REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_task_fires_owner_check CHECK (length(CAST(owner AS BLOB)) BETWEEN 1 AND 255)
) STRICT;

-- PruneFires.
CREATE INDEX scheduled_task_fires_fired_at_idx ON scheduled_task_fires (fired_at_us);
