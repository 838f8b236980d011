-- Occurrences fired on request, outside the schedule (PostgreSQL): Store.Trigger (run now) and
-- Store.Backfill (past occurrences). Runners claim them before due occurrences; claiming one
-- leases its task row, so a task still never has two occurrences in flight. Completing one
-- records it in the fire ledger (kind manual or backfill) and deletes it here.
CREATE TABLE scheduled_task_requests (
    task_id       text COLLATE "C" NOT NULL,
    -- The occurrence to fire: the request time for a trigger, the schedule's occurrence for a
    -- backfill. The fire ledger's key is the same pair, so a backfill never queues an
    -- occurrence twice.
    scheduled_for timestamptz NOT NULL,
    kind          text        NOT NULL,
    requested_at  timestamptz NOT NULL,
    CONSTRAINT scheduled_task_requests_pkey PRIMARY KEY (task_id, scheduled_for),
    CONSTRAINT scheduled_task_requests_task_fkey FOREIGN KEY (task_id)
        REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_task_requests_kind_check CHECK (kind IN ('manual', 'backfill'))
);

-- ClaimRequests and NextDue: the oldest requests first.
CREATE INDEX scheduled_task_requests_order_idx ON scheduled_task_requests (requested_at, scheduled_for);
-- RequestCandidates: the oldest request of each task.
CREATE INDEX scheduled_task_requests_task_idx ON scheduled_task_requests (task_id, requested_at, scheduled_for);

COMMENT ON TABLE scheduled_task_requests IS 'schedstore: occurrences to fire on request (trigger, backfill)';

-- The kind of the occurrence attempt_for names: NULL for a scheduled one, else the kind of the
-- request a claim took. A request's completion releases the task without advancing it.
ALTER TABLE scheduled_tasks
    ADD COLUMN attempt_kind text NULL,
    ADD CONSTRAINT scheduled_tasks_attempt_kind_check CHECK (attempt_kind IN ('manual', 'backfill'));
