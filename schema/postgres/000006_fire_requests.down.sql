ALTER TABLE scheduled_tasks DROP CONSTRAINT scheduled_tasks_attempt_kind_check, DROP COLUMN attempt_kind;
DROP TABLE IF EXISTS scheduled_task_requests;
