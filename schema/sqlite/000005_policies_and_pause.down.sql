-- Missed and skipped rows have no place in the older ledger (it only held fires that ran).
DELETE FROM scheduled_task_fires WHERE status NOT IN ('succeeded', 'failed');
ALTER TABLE scheduled_task_fires ADD COLUMN status_old TEXT NOT NULL DEFAULT 'succeeded'
    CHECK (status_old IN ('succeeded', 'failed'));
UPDATE scheduled_task_fires SET status_old = status;
ALTER TABLE scheduled_task_fires DROP COLUMN status;
ALTER TABLE scheduled_task_fires RENAME COLUMN status_old TO status;
ALTER TABLE scheduled_task_fires DROP COLUMN last_scheduled_for_us;
ALTER TABLE scheduled_task_fires DROP COLUMN occurrences;
ALTER TABLE scheduled_task_fires DROP COLUMN kind;
ALTER TABLE scheduled_tasks DROP COLUMN pause_reason;
ALTER TABLE scheduled_tasks DROP COLUMN paused_at_us;
ALTER TABLE scheduled_tasks DROP COLUMN jitter_us;
ALTER TABLE scheduled_tasks DROP COLUMN overlap_policy;
ALTER TABLE scheduled_tasks DROP COLUMN misfire_grace_us;
ALTER TABLE scheduled_tasks DROP COLUMN max_catch_up;
ALTER TABLE scheduled_tasks DROP COLUMN misfire_policy;
