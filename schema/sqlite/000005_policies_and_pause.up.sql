-- Schedule policies and operator verbs (issue 9, SQLite). Existing rows keep today's behaviour:
-- the defaults are the policies schedstore applied before they could be chosen. Times are
-- INTEGER Unix microseconds (UTC). ALTER TABLE ADD COLUMN cannot add table constraints, so the
-- checks sit on the columns.
-- What happens to occurrences missed while no scheduler ran: once, skip or all.
ALTER TABLE scheduled_tasks ADD COLUMN misfire_policy TEXT NOT NULL DEFAULT 'once'
    CHECK (misfire_policy IN ('once', 'skip', 'all'));
-- misfire_policy all fires at most this many missed occurrences (the application writes 10 for 0).
ALTER TABLE scheduled_tasks ADD COLUMN max_catch_up INTEGER NOT NULL DEFAULT 10 CHECK (max_catch_up >= 0);
-- An occurrence starting later than its time + this is recorded missed; 0: no limit.
ALTER TABLE scheduled_tasks ADD COLUMN misfire_grace_us INTEGER NOT NULL DEFAULT 0 CHECK (misfire_grace_us >= 0);
-- What happens to occurrences due while the previous one still runs: skip or buffer_one.
ALTER TABLE scheduled_tasks ADD COLUMN overlap_policy TEXT NOT NULL DEFAULT 'skip'
    CHECK (overlap_policy IN ('skip', 'buffer_one'));
-- Each occurrence starts up to this much late (schedule.Jitter), in microseconds.
ALTER TABLE scheduled_tasks ADD COLUMN jitter_us INTEGER NOT NULL DEFAULT 0 CHECK (jitter_us >= 0);
-- Store.Pause and Store.Resume: when and why the task was paused; NULL when it is not. A paused
-- task is disabled (SQLite lets a column check name another column).
ALTER TABLE scheduled_tasks ADD COLUMN paused_at_us INTEGER CHECK (paused_at_us IS NULL OR enabled = 0);
ALTER TABLE scheduled_tasks ADD COLUMN pause_reason TEXT NOT NULL DEFAULT ''
    CHECK (length(CAST(pause_reason AS BLOB)) <= 1024);

-- Why the occurrence was fired: by the schedule, by hand (Trigger) or as a backfill.
ALTER TABLE scheduled_task_fires ADD COLUMN kind TEXT NOT NULL DEFAULT 'scheduled'
    CHECK (kind IN ('scheduled', 'manual', 'backfill'));
-- How many occurrences the row stands for: more than 1 for a missed or skipped row, which covers
-- scheduled_for_us through last_scheduled_for_us.
ALTER TABLE scheduled_task_fires ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1 CHECK (occurrences >= 1);
-- NULL (rows recorded before this migration) reads back as scheduled_for_us.
ALTER TABLE scheduled_task_fires ADD COLUMN last_scheduled_for_us INTEGER
    CHECK (last_scheduled_for_us IS NULL OR last_scheduled_for_us >= scheduled_for_us);

-- status gains missed and skipped. Its check (migration 000003) is a column constraint, which
-- SQLite cannot alter, and rebuilding the table would mean recreating its foreign key and
-- indexes by hand. Instead the column is replaced: a new column with the new check takes the
-- values, the old one is dropped (a column with only its own check can be), and the new one
-- takes its name (RENAME COLUMN rewrites the check with it). The ledger's key, foreign key and
-- indexes do not name status, so they stay as they are. Only the column's position changes, and
-- every query names its columns.
ALTER TABLE scheduled_task_fires ADD COLUMN status_new TEXT NOT NULL DEFAULT 'succeeded'
    CHECK (status_new IN ('succeeded', 'failed', 'missed', 'skipped'));
UPDATE scheduled_task_fires SET status_new = status;
ALTER TABLE scheduled_task_fires DROP COLUMN status;
ALTER TABLE scheduled_task_fires RENAME COLUMN status_new TO status;
