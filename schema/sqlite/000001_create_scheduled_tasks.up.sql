-- schedstore: scheduled task definitions (SQLite 3.37+, STRICT table).
-- Times are INTEGER Unix microseconds (UTC): exact, and they compare as numbers. SQLite has no
-- datetime type; text timestamps sort wrongly once zones or precisions differ.
-- The application validates every field first; these constraints are the second line of defence.
CREATE TABLE scheduled_tasks (
    id                TEXT    NOT NULL,
    task_name         TEXT    NOT NULL,
    schedule_type     TEXT    NOT NULL,
    schedule          TEXT    NOT NULL,
    args              TEXT    NOT NULL DEFAULT '[]',
    kwargs            TEXT    NOT NULL DEFAULT '{}',
    -- Hex SHA-256 of (task_name, schedule_type, schedule, canonical args, canonical kwargs),
    -- computed by the application; FindByDefinition looks it up instead of comparing JSON.
    definition_sha256 TEXT    NOT NULL,
    enabled           INTEGER NOT NULL DEFAULT 1,
    last_run_at_us    INTEGER,
    next_run_at_us    INTEGER,
    created_at_us     INTEGER NOT NULL,
    updated_at_us     INTEGER NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    max_retries       INTEGER NOT NULL DEFAULT 3,
    retry_delay_us    INTEGER NOT NULL DEFAULT 1000000,
    priority          INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (id),
    CONSTRAINT scheduled_tasks_id_check CHECK (length(CAST(id AS BLOB)) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_task_name_check CHECK (length(CAST(task_name AS BLOB)) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_schedule_type_check CHECK (schedule_type IN ('cron', 'interval', 'one_time')),
    CONSTRAINT scheduled_tasks_schedule_check CHECK (length(CAST(schedule AS BLOB)) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_args_check CHECK (json_valid(args) AND json_type(args) = 'array'),
    CONSTRAINT scheduled_tasks_kwargs_check CHECK (json_valid(kwargs) AND json_type(kwargs) = 'object'),
    CONSTRAINT scheduled_tasks_definition_sha256_check CHECK (length(definition_sha256) = 64),
    CONSTRAINT scheduled_tasks_enabled_check CHECK (enabled IN (0, 1)),
    CONSTRAINT scheduled_tasks_description_check CHECK (length(CAST(description AS BLOB)) <= 65535),
    CONSTRAINT scheduled_tasks_max_retries_check CHECK (max_retries >= 0),
    CONSTRAINT scheduled_tasks_retry_delay_check CHECK (retry_delay_us >= 0)
) STRICT;

-- ListDue (range on next_run_at_us) and ListEnabled (its order); only enabled rows are indexed.
-- Queries must say "enabled = 1" literally for SQLite to use this partial index.
CREATE INDEX scheduled_tasks_due_idx ON scheduled_tasks (next_run_at_us, id) WHERE enabled = 1;
-- FindByDefinition.
CREATE INDEX scheduled_tasks_definition_idx ON scheduled_tasks (definition_sha256);
-- ListAll's order.
CREATE INDEX scheduled_tasks_created_idx ON scheduled_tasks (created_at_us, id);
