-- Queries behind schedstore.Store (PostgreSQL): claims, the fire ledger, Ensure.
-- The same -- name: exists in queries/mysql and queries/sqlite.

-- name: DatabaseNow :one
-- The one clock ClaimDue compares with when the caller passes none.
SELECT clock_timestamp()::timestamptz AS now;

-- name: ClaimDueTasks :many
-- One statement: pick, lock without waiting (SKIP LOCKED) and lease. A row another instance is
-- claiming right now is skipped, not waited for. RETURNING has no order: the adapter sorts.
--
-- Index-bound whatever the backlog (issue 11), on scheduled_tasks_claim_idx
-- (priority DESC, next_run_at, id) WHERE enabled:
--   prio: a loose index scan, the distinct priorities of enabled rows, highest first, one index
--         probe each (recursive CTE; NULL ends it);
--   due:  per priority, in that order, the range priority = p AND next_run_at <= now in
--         (next_run_at, id) order (LATERAL), stopping as soon as LIMIT rows are locked.
-- So a claim reads: one probe per distinct priority down to the one that completes the batch,
-- plus the rows it takes, plus the rows it steps over inside those ranges: rows under a live
-- lease (lease_until > now; at most the rows of the claims in flight, i.e. claimers x LIMIT,
-- since completing or releasing a claim moves next_run_at or clears the lease) and rows other
-- claimers hold locked right now (SKIP LOCKED; at most concurrent claimers x LIMIT). Not the due
-- rows beyond the batch: 100 due or 100,000, the same work.
-- The order (priority DESC, next_run_at, id) is the plan's, not a sort's: a Nested Loop over the
-- CTE Scan of prio (a recursive CTE yields its rows in the order it makes them) with, inside, an
-- ordered index range; a top-level ORDER BY would make PostgreSQL read and lock every
-- priority's batch before the LIMIT. adapter/postgres/explain_test.go asserts this plan shape.
WITH RECURSIVE prio AS (
    (SELECT p.priority FROM scheduled_tasks AS p WHERE p.enabled ORDER BY p.priority DESC LIMIT 1)
    UNION ALL
    SELECT (
        SELECT n.priority FROM scheduled_tasks AS n
        WHERE n.enabled AND n.priority < prio.priority
        ORDER BY n.priority DESC LIMIT 1
    )
    FROM prio WHERE prio.priority IS NOT NULL
), due AS (
    SELECT d.id FROM prio CROSS JOIN LATERAL (
        SELECT s.id FROM scheduled_tasks AS s
        WHERE s.enabled AND s.priority = prio.priority AND s.next_run_at <= @now::timestamptz
          AND (s.lease_until IS NULL OR s.lease_until <= @now::timestamptz)
        ORDER BY s.next_run_at, s.id
        LIMIT @max_claims
        FOR UPDATE SKIP LOCKED
    ) AS d
    LIMIT @max_claims
)
UPDATE scheduled_tasks AS t
SET lease_owner = @owner, lease_until = @lease_until::timestamptz, lease_token = t.lease_token + 1
FROM due
WHERE t.id = due.id
RETURNING t.*;

-- name: CompleteClaim :one
-- One statement, so one transaction: advance and release only while the fencing token is
-- current, and record the occurrence unless the ledger has it already.
WITH done AS (
    UPDATE scheduled_tasks
    SET last_run_at = @scheduled_for::timestamptz,
        next_run_at = sqlc.narg(next_run_at)::timestamptz,
        enabled = enabled AND @keep_enabled::boolean,
        lease_owner = NULL, lease_until = NULL,
        version = version + 1, updated_at = @fired_at::timestamptz
    WHERE id = @id AND lease_token = @lease_token AND lease_owner = @owner
    RETURNING id
), fire AS (
    INSERT INTO scheduled_task_fires (task_id, scheduled_for, owner, fired_at)
    SELECT id, @scheduled_for::timestamptz, @owner, @fired_at::timestamptz FROM done
    ON CONFLICT (task_id, scheduled_for) DO NOTHING
    RETURNING task_id
)
SELECT (SELECT count(*) FROM done) AS completed, (SELECT count(*) FROM fire) AS recorded;

-- name: ReleaseClaim :execrows
UPDATE scheduled_tasks SET lease_owner = NULL, lease_until = NULL
WHERE id = @id AND lease_token = @lease_token AND lease_owner = @owner;

-- name: EnsureTask :execrows
-- Insert unless a task with this definition exists. NOT EXISTS spares the common case; the
-- unique ensure_sha256 decides between concurrent Ensure calls.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, ensure_sha256,
    enabled, last_run_at, next_run_at, created_at, updated_at, description, max_retries,
    retry_delay_us, priority
)
SELECT @id, @task_name, @schedule_type, @schedule, @args::jsonb, @kwargs::jsonb,
    @definition_sha256, @ensure_sha256, @enabled, sqlc.narg(last_run_at)::timestamptz,
    sqlc.narg(next_run_at)::timestamptz, @created_at::timestamptz, @updated_at::timestamptz,
    @description, @max_retries, @retry_delay_us, @priority
WHERE NOT EXISTS (
    SELECT 1 FROM scheduled_tasks AS s
    WHERE s.definition_sha256 = @definition_sha256 AND s.task_name = @task_name
      AND s.schedule_type = @schedule_type AND s.schedule = @schedule
)
ON CONFLICT (ensure_sha256) DO NOTHING;

-- name: ListFires :many
SELECT * FROM scheduled_task_fires
WHERE task_id = @task_id
ORDER BY scheduled_for DESC
LIMIT sqlc.narg(max_fires);

-- name: PruneFires :execrows
DELETE FROM scheduled_task_fires WHERE fired_at < @older_than;
