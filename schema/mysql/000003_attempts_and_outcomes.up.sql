-- The firing engine (MySQL 8 / MariaDB 10.6+): durable attempt counts on the task row,
-- outcomes in the fire ledger. Times are UTC DATETIME(6).
ALTER TABLE scheduled_tasks
    -- The occurrence (a next_run_at value) that attempts and first_attempt_at count for. A
    -- claim of another occurrence starts the count over, so edits to next_run_at need no reset.
    ADD COLUMN attempt_for      DATETIME(6) NULL,
    -- Attempts started for attempt_for: each claim starts one, and so does each retry. Stored
    -- before the attempt runs, so a runner that dies cannot make the count start over.
    ADD COLUMN attempts         INT         NOT NULL DEFAULT 0,
    -- When attempt 1 of attempt_for started (the database's clock): lateness is measured from it.
    ADD COLUMN first_attempt_at DATETIME(6) NULL,
    ADD CONSTRAINT scheduled_tasks_attempts_check CHECK (attempts >= 0);

-- fired_at was taken when the fire was recorded, after it ran: it is the end of the last
-- attempt. Rows recorded before this migration were only written for fires that ran; their
-- outcome was not kept, so they read back as succeeded after one attempt, start unknown (NULL).
-- (Three statements: sqlc's MySQL catalog drops an ALTER that mixes RENAME and ADD.)
ALTER TABLE scheduled_task_fires RENAME COLUMN fired_at TO finished_at;
ALTER TABLE scheduled_task_fires
    RENAME INDEX scheduled_task_fires_fired_at_idx TO scheduled_task_fires_finished_at_idx;
ALTER TABLE scheduled_task_fires
    ADD COLUMN started_at DATETIME(6)   NULL,
    ADD COLUMN status     VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'succeeded',
    ADD COLUMN attempts   INT           NOT NULL DEFAULT 1,
    -- The last attempt's error, at most 1 KiB (the application truncates); '' when none.
    ADD COLUMN error      VARCHAR(1024) NOT NULL DEFAULT '',
    ADD CONSTRAINT scheduled_task_fires_status_check CHECK (status IN ('succeeded', 'failed')),
    ADD CONSTRAINT scheduled_task_fires_attempts_check CHECK (attempts >= 1);
