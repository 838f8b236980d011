DROP TABLE IF EXISTS scheduled_task_fires;
DROP INDEX IF EXISTS scheduled_tasks_ensure_idx;
ALTER TABLE scheduled_tasks DROP COLUMN lease_token;
ALTER TABLE scheduled_tasks DROP COLUMN lease_until_us;
ALTER TABLE scheduled_tasks DROP COLUMN lease_owner;
ALTER TABLE scheduled_tasks DROP COLUMN ensure_sha256;
ALTER TABLE scheduled_tasks DROP COLUMN version;
