-- Occurrences fired on request, outside the schedule (SQLite): Store.Trigger (run now) and
-- Store.Backfill (past occurrences). Runners claim them before due occurrences; claiming one
-- leases its task row, so a task still never has two occurrences in flight. Completing one
-- records it in the fire ledger (kind manual or backfill) and deletes it here.
CREATE TABLE scheduled_task_requests (
    task_id          TEXT    NOT NULL,
    -- The occurrence to fire: the request time for a trigger, the schedule's occurrence for a
    -- backfill. The fire ledger's key is the same pair, so a backfill never queues an
    -- occurrence twice.
    scheduled_for_us INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    requested_at_us  INTEGER NOT NULL,
    CONSTRAINT scheduled_task_requests_pkey PRIMARY KEY (task_id, scheduled_for_us),
    CONSTRAINT scheduled_task_requests_task_fkey FOREIGN KEY (task_id)
        REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_task_requests_kind_check CHECK (kind IN ('manual', 'backfill'))
) STRICT;

-- ClaimRequests and NextDue: the oldest requests first.
CREATE INDEX scheduled_task_requests_order_idx ON scheduled_task_requests (requested_at_us, scheduled_for_us);
-- RequestCandidates: the oldest request of each task.
CREATE INDEX scheduled_task_requests_task_idx ON scheduled_task_requests (task_id, requested_at_us, scheduled_for_us);

-- The kind of the occurrence attempt_for_us names: NULL for a scheduled one, else the kind of
-- the request a claim took. A request's completion releases the task without advancing it.
ALTER TABLE scheduled_tasks ADD COLUMN attempt_kind TEXT CHECK (attempt_kind IN ('manual', 'backfill'));
