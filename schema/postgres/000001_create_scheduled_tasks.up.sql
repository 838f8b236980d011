-- schedstore: scheduled task definitions (PostgreSQL 12+).
-- One row per task. Times are timestamptz (microsecond precision, UTC on the wire).
-- The application validates every field first; these constraints are the second line of defence.
CREATE TABLE scheduled_tasks (
    -- COLLATE "C": IDs compare and sort byte by byte, as on MySQL and SQLite.
    id                text COLLATE "C" NOT NULL,
    task_name         text        NOT NULL,
    schedule_type     text        NOT NULL,
    schedule          text        NOT NULL,
    args              jsonb       NOT NULL DEFAULT '[]',
    kwargs            jsonb       NOT NULL DEFAULT '{}',
    -- Hex SHA-256 of (task_name, schedule_type, schedule, canonical args, canonical kwargs),
    -- computed by the application; FindByDefinition looks it up instead of comparing JSON.
    definition_sha256 char(64)    NOT NULL,
    enabled           boolean     NOT NULL DEFAULT true,
    last_run_at       timestamptz NULL,
    next_run_at       timestamptz NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    description       text        NOT NULL DEFAULT '',
    max_retries       integer     NOT NULL DEFAULT 3,
    retry_delay_us    bigint      NOT NULL DEFAULT 1000000,
    priority          integer     NOT NULL DEFAULT 0,
    CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (id),
    CONSTRAINT scheduled_tasks_id_check CHECK (octet_length(id) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_task_name_check CHECK (octet_length(task_name) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_schedule_type_check CHECK (schedule_type IN ('cron', 'interval', 'one_time')),
    CONSTRAINT scheduled_tasks_schedule_check CHECK (octet_length(schedule) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_args_check CHECK (jsonb_typeof(args) = 'array'),
    CONSTRAINT scheduled_tasks_kwargs_check CHECK (jsonb_typeof(kwargs) = 'object'),
    CONSTRAINT scheduled_tasks_definition_sha256_check CHECK (definition_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT scheduled_tasks_description_check CHECK (octet_length(description) <= 65535),
    CONSTRAINT scheduled_tasks_max_retries_check CHECK (max_retries >= 0),
    CONSTRAINT scheduled_tasks_retry_delay_check CHECK (retry_delay_us >= 0)
);

-- ListDue (range on next_run_at) and ListEnabled (its order); only enabled rows are indexed.
CREATE INDEX scheduled_tasks_due_idx ON scheduled_tasks (next_run_at, id) WHERE enabled;
-- FindByDefinition.
CREATE INDEX scheduled_tasks_definition_idx ON scheduled_tasks (definition_sha256);
-- ListAll's order.
CREATE INDEX scheduled_tasks_created_idx ON scheduled_tasks (created_at, id);

COMMENT ON TABLE scheduled_tasks IS 'schedstore: scheduled task definitions (cron, interval, one-time)';
COMMENT ON COLUMN scheduled_tasks.definition_sha256 IS 'hex SHA-256 of the task definition, set by the application';
COMMENT ON COLUMN scheduled_tasks.retry_delay_us IS 'retry delay in microseconds';
