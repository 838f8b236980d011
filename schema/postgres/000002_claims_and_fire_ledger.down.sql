DROP TABLE IF EXISTS scheduled_task_fires;
DROP INDEX IF EXISTS scheduled_tasks_ensure_idx;
ALTER TABLE scheduled_tasks
    DROP COLUMN IF EXISTS lease_token,
    DROP COLUMN IF EXISTS lease_until,
    DROP COLUMN IF EXISTS lease_owner,
    DROP COLUMN IF EXISTS ensure_sha256,
    DROP COLUMN IF EXISTS version;
