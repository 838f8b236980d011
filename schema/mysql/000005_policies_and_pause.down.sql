-- Missed and skipped rows have no place in the older ledger (it only held fires that ran).
DELETE FROM scheduled_task_fires WHERE status NOT IN ('succeeded', 'failed');
ALTER TABLE scheduled_task_fires
    DROP CONSTRAINT scheduled_task_fires_last_scheduled_for_check,
    DROP CONSTRAINT scheduled_task_fires_occurrences_check,
    DROP CONSTRAINT scheduled_task_fires_kind_check,
    DROP CONSTRAINT scheduled_task_fires_status_check,
    DROP COLUMN last_scheduled_for,
    DROP COLUMN occurrences,
    DROP COLUMN kind;
ALTER TABLE scheduled_task_fires
    ADD CONSTRAINT scheduled_task_fires_status_check CHECK (status IN ('succeeded', 'failed'));
ALTER TABLE scheduled_tasks
    DROP CONSTRAINT scheduled_tasks_paused_check,
    DROP CONSTRAINT scheduled_tasks_pause_reason_check,
    DROP CONSTRAINT scheduled_tasks_jitter_check,
    DROP CONSTRAINT scheduled_tasks_overlap_policy_check,
    DROP CONSTRAINT scheduled_tasks_misfire_grace_check,
    DROP CONSTRAINT scheduled_tasks_max_catch_up_check,
    DROP CONSTRAINT scheduled_tasks_misfire_policy_check,
    DROP COLUMN pause_reason,
    DROP COLUMN paused_at,
    DROP COLUMN jitter_us,
    DROP COLUMN overlap_policy,
    DROP COLUMN misfire_grace_us,
    DROP COLUMN max_catch_up,
    DROP COLUMN misfire_policy;
