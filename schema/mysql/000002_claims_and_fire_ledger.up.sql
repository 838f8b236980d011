-- Many scheduler instances: leases with fencing tokens, a fire ledger, Ensure's unique key and
-- optimistic versions (MySQL 8 / MariaDB 10.6+: FOR UPDATE SKIP LOCKED).
-- One statement per step would let a failure leave less behind, but MySQL DDL commits as it
-- goes either way; see schema/embed.go for recovering a dirty version.
ALTER TABLE scheduled_tasks
    -- Bumped by every change to the row's task fields (Update, UpdateRunTimes, CompleteClaim).
    ADD COLUMN version       BIGINT NOT NULL DEFAULT 1,
    -- Set only by Ensure: the unique key that makes concurrent Ensure calls create one row.
    -- NULL for tasks made by Create (NULLs never collide), cleared when Update changes the
    -- definition.
    ADD COLUMN ensure_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    -- The live lease, if any: who claimed the task and until when (UTC).
    ADD COLUMN lease_owner   VARCHAR(255) NULL,
    ADD COLUMN lease_until   DATETIME(6) NULL,
    -- Fencing token: bumped by every claim; CompleteClaim and ReleaseClaim must present it.
    ADD COLUMN lease_token   BIGINT NOT NULL DEFAULT 0,
    ADD UNIQUE KEY scheduled_tasks_ensure_idx (ensure_sha256),
    ADD CONSTRAINT scheduled_tasks_version_check CHECK (version >= 1),
    ADD CONSTRAINT scheduled_tasks_lease_check CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
    ADD CONSTRAINT scheduled_tasks_lease_token_check CHECK (lease_token >= 0);

-- One row per fired occurrence. The primary key makes a second fire of the same occurrence
-- impossible, whatever the clocks say.
CREATE TABLE scheduled_task_fires (
    task_id       VARBINARY(255) NOT NULL,
    scheduled_for DATETIME(6)    NOT NULL,
    owner         VARCHAR(255)   NOT NULL,
    fired_at      DATETIME(6)    NOT NULL,
    PRIMARY KEY (task_id, scheduled_for),
    -- PruneFires.
    KEY scheduled_task_fires_fired_at_idx (fired_at),
    CONSTRAINT scheduled_task_fires_task_fkey FOREIGN KEY (task_id)
        REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_task_fires_owner_check CHECK (LENGTH(owner) >= 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  COMMENT = 'schedstore: ledger of fired occurrences, one row each';
