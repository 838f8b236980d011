-- Many scheduler instances: leases with fencing tokens, a fire ledger, Ensure's unique key and
-- optimistic versions (PostgreSQL).
ALTER TABLE scheduled_tasks
    -- Bumped by every change to the row's task fields (Update, UpdateRunTimes, CompleteClaim).
    ADD COLUMN version       bigint NOT NULL DEFAULT 1,
    -- Set only by Ensure: the unique key that makes concurrent Ensure calls create one row.
    -- NULL for tasks made by Create (NULLs never collide), cleared when Update changes the
    -- definition.
    ADD COLUMN ensure_sha256 char(64) NULL,
    -- The live lease, if any: who claimed the task and until when.
    ADD COLUMN lease_owner   text NULL,
    ADD COLUMN lease_until   timestamptz NULL,
    -- Fencing token: bumped by every claim; CompleteClaim and ReleaseClaim must present it.
    ADD COLUMN lease_token   bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT scheduled_tasks_version_check CHECK (version >= 1),
    ADD CONSTRAINT scheduled_tasks_ensure_sha256_check CHECK (ensure_sha256 ~ '^[0-9a-f]{64}$'),
    ADD CONSTRAINT scheduled_tasks_lease_check CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
    ADD CONSTRAINT scheduled_tasks_lease_owner_check CHECK (octet_length(lease_owner) BETWEEN 1 AND 255),
    ADD CONSTRAINT scheduled_tasks_lease_token_check CHECK (lease_token >= 0);

CREATE UNIQUE INDEX scheduled_tasks_ensure_idx ON scheduled_tasks (ensure_sha256);

-- One row per fired occurrence. The primary key makes a second fire of the same occurrence
-- impossible, whatever the clocks say.
CREATE TABLE scheduled_task_fires (
    task_id       text COLLATE "C" NOT NULL,
    scheduled_for timestamptz NOT NULL,
    owner         text        NOT NULL,
    fired_at      timestamptz NOT NULL,
    CONSTRAINT scheduled_task_fires_pkey PRIMARY KEY (task_id, scheduled_for),
    CONSTRAINT scheduled_task_fires_task_fkey FOREIGN KEY (task_id)
        REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_task_fires_owner_check CHECK (octet_length(owner) BETWEEN 1 AND 255)
);

-- PruneFires.
CREATE INDEX scheduled_task_fires_fired_at_idx ON scheduled_task_fires (fired_at);

COMMENT ON TABLE scheduled_task_fires IS 'schedstore: ledger of fired occurrences, one row each';
COMMENT ON COLUMN scheduled_tasks.lease_token IS 'fencing token, bumped by each claim';
