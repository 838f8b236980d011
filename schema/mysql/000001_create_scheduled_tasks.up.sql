-- schedstore: scheduled task definitions (MySQL 8.0.16+, MariaDB 10.6+).
-- Times are DATETIME(6) holding UTC (the driver connects with loc=UTC); CHECK constraints need
-- MySQL 8.0.16+ or MariaDB 10.2+. The application validates every field first; these
-- constraints are the second line of defence.
CREATE TABLE scheduled_tasks (
    -- VARBINARY: IDs compare byte by byte. The *_bin collations are PAD SPACE, so as VARCHAR
    -- 'a' and 'a ' would be the same key.
    id                VARBINARY(255) NOT NULL,
    task_name         VARCHAR(255)   NOT NULL,
    schedule_type     VARCHAR(16)    NOT NULL,
    schedule          VARCHAR(255)   NOT NULL,
    args              JSON           NOT NULL,
    kwargs            JSON           NOT NULL,
    -- Hex SHA-256 of (task_name, schedule_type, schedule, canonical args, canonical kwargs),
    -- computed by the application; FindByDefinition looks it up instead of comparing JSON.
    definition_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    enabled           BOOLEAN        NOT NULL DEFAULT TRUE,
    last_run_at       DATETIME(6)    NULL,
    next_run_at       DATETIME(6)    NULL,
    created_at        DATETIME(6)    NOT NULL,
    updated_at        DATETIME(6)    NOT NULL,
    description       TEXT           NOT NULL,
    max_retries       INT            NOT NULL DEFAULT 3,
    retry_delay_us    BIGINT         NOT NULL DEFAULT 1000000 COMMENT 'retry delay in microseconds',
    priority          INT            NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    -- ListDue (range on next_run_at among enabled rows) and ListEnabled (its order).
    KEY scheduled_tasks_due_idx (enabled, next_run_at, id),
    -- FindByDefinition.
    KEY scheduled_tasks_definition_idx (definition_sha256),
    -- ListAll's order.
    KEY scheduled_tasks_created_idx (created_at, id),
    CONSTRAINT scheduled_tasks_id_check CHECK (LENGTH(id) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_task_name_check CHECK (LENGTH(task_name) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_schedule_type_check CHECK (schedule_type IN ('cron', 'interval', 'one_time')),
    CONSTRAINT scheduled_tasks_schedule_check CHECK (LENGTH(schedule) BETWEEN 1 AND 255),
    CONSTRAINT scheduled_tasks_args_check CHECK (JSON_TYPE(args) = 'ARRAY'),
    CONSTRAINT scheduled_tasks_kwargs_check CHECK (JSON_TYPE(kwargs) = 'OBJECT'),
    CONSTRAINT scheduled_tasks_definition_sha256_check CHECK (LENGTH(definition_sha256) = 64),
    CONSTRAINT scheduled_tasks_max_retries_check CHECK (max_retries >= 0),
    CONSTRAINT scheduled_tasks_retry_delay_check CHECK (retry_delay_us >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  COMMENT = 'schedstore: scheduled task definitions (cron, interval, one-time)';
