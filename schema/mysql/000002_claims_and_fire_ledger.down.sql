DROP TABLE IF EXISTS scheduled_task_fires;
ALTER TABLE scheduled_tasks
    DROP CONSTRAINT scheduled_tasks_version_check,
    DROP CONSTRAINT scheduled_tasks_lease_check,
    DROP CONSTRAINT scheduled_tasks_lease_token_check,
    DROP INDEX scheduled_tasks_ensure_idx,
    DROP COLUMN lease_token,
    DROP COLUMN lease_until,
    DROP COLUMN lease_owner,
    DROP COLUMN ensure_sha256,
    DROP COLUMN version;
