-- Schedule policies and operator verbs (issue 9, MySQL 8 / MariaDB 10.6+). Existing rows keep
-- today's behaviour: the defaults are the policies schedstore applied before they could be
-- chosen. MySQL DDL commits as it goes; see schema/embed.go for recovering a dirty version.
ALTER TABLE scheduled_tasks
    ADD COLUMN misfire_policy   VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'once'
        COMMENT 'once, skip or all: occurrences missed while no scheduler ran',
    ADD COLUMN max_catch_up     INT           NOT NULL DEFAULT 10
        COMMENT 'misfire_policy all fires at most this many missed occurrences',
    ADD COLUMN misfire_grace_us BIGINT        NOT NULL DEFAULT 0
        COMMENT 'misfire grace in microseconds; 0: no limit',
    ADD COLUMN overlap_policy   VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'skip'
        COMMENT 'skip or buffer_one: occurrences due while the previous one runs',
    ADD COLUMN jitter_us        BIGINT        NOT NULL DEFAULT 0
        COMMENT 'maximum start delay in microseconds (schedule.Jitter)',
    ADD COLUMN paused_at        DATETIME(6)   NULL
        COMMENT 'set by Store.Pause, cleared by Store.Resume; a paused task is disabled',
    ADD COLUMN pause_reason     VARCHAR(1024) NOT NULL DEFAULT '',
    ADD CONSTRAINT scheduled_tasks_misfire_policy_check CHECK (misfire_policy IN ('once', 'skip', 'all')),
    ADD CONSTRAINT scheduled_tasks_max_catch_up_check CHECK (max_catch_up >= 0),
    ADD CONSTRAINT scheduled_tasks_misfire_grace_check CHECK (misfire_grace_us >= 0),
    ADD CONSTRAINT scheduled_tasks_overlap_policy_check CHECK (overlap_policy IN ('skip', 'buffer_one')),
    ADD CONSTRAINT scheduled_tasks_jitter_check CHECK (jitter_us >= 0),
    ADD CONSTRAINT scheduled_tasks_pause_reason_check CHECK (LENGTH(pause_reason) <= 1024),
    ADD CONSTRAINT scheduled_tasks_paused_check CHECK (paused_at IS NULL OR enabled = FALSE);

-- (Separate statements: sqlc's MySQL catalog drops an ALTER that mixes kinds of change.)
ALTER TABLE scheduled_task_fires DROP CONSTRAINT scheduled_task_fires_status_check;
ALTER TABLE scheduled_task_fires
    ADD COLUMN kind               VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'scheduled'
        COMMENT 'scheduled, manual (Trigger) or backfill',
    ADD COLUMN occurrences        INT         NOT NULL DEFAULT 1
        COMMENT 'occurrences the row stands for (missed and skipped runs)',
    ADD COLUMN last_scheduled_for DATETIME(6) NULL
        COMMENT 'last occurrence the row stands for; NULL: scheduled_for',
    ADD CONSTRAINT scheduled_task_fires_status_check
        CHECK (status IN ('succeeded', 'failed', 'missed', 'skipped')),
    ADD CONSTRAINT scheduled_task_fires_kind_check CHECK (kind IN ('scheduled', 'manual', 'backfill')),
    ADD CONSTRAINT scheduled_task_fires_occurrences_check CHECK (occurrences >= 1),
    ADD CONSTRAINT scheduled_task_fires_last_scheduled_for_check
        CHECK (last_scheduled_for IS NULL OR last_scheduled_for >= scheduled_for);
