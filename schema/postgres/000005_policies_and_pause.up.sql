-- Schedule policies and operator verbs (issue 9, PostgreSQL). Existing rows keep today's
-- behaviour: the defaults are the policies schedstore applied before they could be chosen.
ALTER TABLE scheduled_tasks
    -- What happens to occurrences missed while no scheduler ran: once, skip or all.
    ADD COLUMN misfire_policy   text        NOT NULL DEFAULT 'once',
    -- misfire_policy all fires at most this many missed occurrences (the application writes
    -- 10 for 0).
    ADD COLUMN max_catch_up     integer     NOT NULL DEFAULT 10,
    -- An occurrence starting later than its time + this is recorded missed; 0: no limit.
    ADD COLUMN misfire_grace_us bigint      NOT NULL DEFAULT 0,
    -- What happens to occurrences due while the previous one still runs: skip or buffer_one.
    ADD COLUMN overlap_policy   text        NOT NULL DEFAULT 'skip',
    -- Each occurrence starts up to this much late, by a delay derived from the ID and the
    -- occurrence (schedule.Jitter).
    ADD COLUMN jitter_us        bigint      NOT NULL DEFAULT 0,
    -- Store.Pause and Store.Resume: when and why the task was paused; NULL when it is not.
    -- A paused task is disabled.
    ADD COLUMN paused_at        timestamptz NULL,
    ADD COLUMN pause_reason     text        NOT NULL DEFAULT '',
    ADD CONSTRAINT scheduled_tasks_misfire_policy_check CHECK (misfire_policy IN ('once', 'skip', 'all')),
    ADD CONSTRAINT scheduled_tasks_max_catch_up_check CHECK (max_catch_up >= 0),
    ADD CONSTRAINT scheduled_tasks_misfire_grace_check CHECK (misfire_grace_us >= 0),
    ADD CONSTRAINT scheduled_tasks_overlap_policy_check CHECK (overlap_policy IN ('skip', 'buffer_one')),
    ADD CONSTRAINT scheduled_tasks_jitter_check CHECK (jitter_us >= 0),
    ADD CONSTRAINT scheduled_tasks_pause_reason_check CHECK (octet_length(pause_reason) <= 1024),
    ADD CONSTRAINT scheduled_tasks_paused_check CHECK (paused_at IS NULL OR NOT enabled);

ALTER TABLE scheduled_task_fires
    -- Why the occurrence was fired: by the schedule, by hand (Trigger) or as a backfill.
    ADD COLUMN kind               text        NOT NULL DEFAULT 'scheduled',
    -- How many occurrences the row stands for: more than 1 for a missed or skipped row, which
    -- covers scheduled_for through last_scheduled_for.
    ADD COLUMN occurrences        integer     NOT NULL DEFAULT 1,
    -- NULL (rows recorded before this migration) reads back as scheduled_for.
    ADD COLUMN last_scheduled_for timestamptz NULL,
    DROP CONSTRAINT scheduled_task_fires_status_check,
    ADD CONSTRAINT scheduled_task_fires_status_check
        CHECK (status IN ('succeeded', 'failed', 'missed', 'skipped')),
    ADD CONSTRAINT scheduled_task_fires_kind_check CHECK (kind IN ('scheduled', 'manual', 'backfill')),
    ADD CONSTRAINT scheduled_task_fires_occurrences_check CHECK (occurrences >= 1),
    ADD CONSTRAINT scheduled_task_fires_last_scheduled_for_check
        CHECK (last_scheduled_for IS NULL OR last_scheduled_for >= scheduled_for);

COMMENT ON COLUMN scheduled_tasks.misfire_policy IS 'once, skip or all: occurrences missed while no scheduler ran';
COMMENT ON COLUMN scheduled_tasks.misfire_grace_us IS 'misfire grace in microseconds; 0: no limit';
COMMENT ON COLUMN scheduled_tasks.jitter_us IS 'maximum start delay in microseconds (schedule.Jitter)';
COMMENT ON COLUMN scheduled_tasks.paused_at IS 'set by Store.Pause, cleared by Store.Resume; a paused task is disabled';
COMMENT ON COLUMN scheduled_task_fires.occurrences IS 'occurrences the row stands for (missed and skipped runs)';
COMMENT ON COLUMN scheduled_task_fires.last_scheduled_for IS 'last occurrence the row stands for; NULL: scheduled_for';
