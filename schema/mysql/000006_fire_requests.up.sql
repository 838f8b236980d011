-- Occurrences fired on request, outside the schedule (MySQL 8 / MariaDB 10.6+): Store.Trigger
-- (run now) and Store.Backfill (past occurrences). Runners claim them before due occurrences;
-- claiming one leases its task row, so a task still never has two occurrences in flight.
-- Completing one records it in the fire ledger (kind manual or backfill) and deletes it here.
CREATE TABLE scheduled_task_requests (
    task_id       VARBINARY(255) NOT NULL,
    -- The occurrence to fire: the request time for a trigger, the schedule's occurrence for a
    -- backfill. The fire ledger's key is the same pair, so a backfill never queues an
    -- occurrence twice.
    scheduled_for DATETIME(6)    NOT NULL,
    kind          VARCHAR(16)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    requested_at  DATETIME(6)    NOT NULL,
    PRIMARY KEY (task_id, scheduled_for),
    -- ClaimRequests and NextDue: the oldest requests first.
    KEY scheduled_task_requests_order_idx (requested_at, scheduled_for),
    -- RequestCandidates: the oldest request of each task.
    KEY scheduled_task_requests_task_idx (task_id, requested_at, scheduled_for),
    CONSTRAINT scheduled_task_requests_task_fkey FOREIGN KEY (task_id)
        REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    CONSTRAINT scheduled_task_requests_kind_check CHECK (kind IN ('manual', 'backfill'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  COMMENT = 'schedstore: occurrences to fire on request (trigger, backfill)';

-- The kind of the occurrence attempt_for names: NULL for a scheduled one, else the kind of the
-- request a claim took. A request's completion releases the task without advancing it.
ALTER TABLE scheduled_tasks
    ADD COLUMN attempt_kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD CONSTRAINT scheduled_tasks_attempt_kind_check CHECK (attempt_kind IN ('manual', 'backfill'));
