ALTER TABLE scheduled_task_fires
    DROP CONSTRAINT scheduled_task_fires_error_check,
    DROP CONSTRAINT scheduled_task_fires_attempts_check,
    DROP CONSTRAINT scheduled_task_fires_status_check,
    DROP COLUMN error,
    DROP COLUMN attempts,
    DROP COLUMN status,
    DROP COLUMN started_at;
ALTER INDEX scheduled_task_fires_finished_at_idx RENAME TO scheduled_task_fires_fired_at_idx;
ALTER TABLE scheduled_task_fires RENAME COLUMN finished_at TO fired_at;
ALTER TABLE scheduled_tasks
    DROP CONSTRAINT scheduled_tasks_attempts_check,
    DROP COLUMN first_attempt_at,
    DROP COLUMN attempts,
    DROP COLUMN attempt_for;
