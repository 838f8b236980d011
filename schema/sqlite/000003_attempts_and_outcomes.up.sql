-- The firing engine (SQLite): durable attempt counts on the task row, outcomes in the fire
-- ledger. Times are INTEGER Unix microseconds (UTC). ALTER TABLE ADD COLUMN cannot add table
-- constraints, so the checks sit on the columns.
-- The occurrence (a next_run_at_us value) that attempts and first_attempt_at_us count for. A
-- claim of another occurrence starts the count over, so edits to next_run_at need no reset.
ALTER TABLE scheduled_tasks ADD COLUMN attempt_for_us INTEGER;
-- Attempts started for attempt_for_us: each claim starts one, and so does each retry. Stored
-- before the attempt runs, so a runner that dies cannot make the count start over.
ALTER TABLE scheduled_tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
-- When attempt 1 of attempt_for_us started: lateness is measured from it.
ALTER TABLE scheduled_tasks ADD COLUMN first_attempt_at_us INTEGER;

-- fired_at_us was taken when the fire was recorded, after it ran: it is the end of the last
-- attempt. Rows recorded before this migration were only written for fires that ran; their
-- outcome was not kept, so they read back as succeeded after one attempt, start unknown (NULL).
ALTER TABLE scheduled_task_fires RENAME COLUMN fired_at_us TO finished_at_us;
DROP INDEX scheduled_task_fires_fired_at_idx;
CREATE INDEX scheduled_task_fires_finished_at_idx ON scheduled_task_fires (finished_at_us);
ALTER TABLE scheduled_task_fires ADD COLUMN started_at_us INTEGER;
ALTER TABLE scheduled_task_fires ADD COLUMN status TEXT NOT NULL DEFAULT 'succeeded'
    CHECK (status IN ('succeeded', 'failed'));
ALTER TABLE scheduled_task_fires ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1);
-- The last attempt's error, at most 1 KiB (the application truncates); '' when none.
ALTER TABLE scheduled_task_fires ADD COLUMN error TEXT NOT NULL DEFAULT ''
    CHECK (length(CAST(error AS BLOB)) <= 1024);
