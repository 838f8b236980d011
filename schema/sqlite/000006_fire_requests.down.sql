ALTER TABLE scheduled_tasks DROP COLUMN attempt_kind;
DROP TABLE IF EXISTS scheduled_task_requests;
