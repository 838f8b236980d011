-- Queries behind schedstore.Store (PostgreSQL): claims, leases, completions, the fire ledger,
-- Ensure. Unlike tasks.sql, the -- name: set of this file differs per dialect: each dialect
-- claims and completes in the shape its SQL allows (see adapter/<dialect>/dialect.go), and
-- TestQueryNames (internal/sqlcquery) lists which names are shared. Here each call is one
-- statement.

-- name: DatabaseNow :one
-- The one clock ClaimDue compares with when the caller passes none.
SELECT clock_timestamp()::timestamptz AS now;

-- name: ClaimClock :one
-- ClaimDue with the clock of the database, in one round trip: its now, whether a request
-- (Trigger, Backfill) is due at it (the queue is only read when one is), and whether an enabled
-- task is due and free of a live lease at it (the claim is only run when one is: a claim that
-- finds nothing is this statement alone). The first such entry of scheduled_tasks_due_idx ends
-- the look; the leased entries before it are at most those of the claims in flight. A scalar
-- subquery in index order, not EXISTS: PostgreSQL drops an EXISTS subquery's ORDER BY and LIMIT,
-- and with many due rows it may then expect a table scan to meet one at once.
-- statement_timestamp(), not clock_timestamp(): one value for the whole statement, and a stable
-- function, so an index condition (a volatile one is evaluated row by row, on a table scan).
-- ClaimClock runs outside any transaction: it is the time the statement arrived.
SELECT statement_timestamp()::timestamptz AS now,
    EXISTS (SELECT 1 FROM scheduled_task_requests AS r WHERE r.requested_at <= statement_timestamp()) AS requests_due,
    ((
        SELECT t.next_run_at FROM scheduled_tasks AS t
        WHERE t.enabled AND t.next_run_at <= statement_timestamp()
          AND (t.lease_until IS NULL OR t.lease_until <= statement_timestamp())
        ORDER BY t.next_run_at LIMIT 1
    ) IS NOT NULL)::boolean AS tasks_due;

-- name: ClaimClockAt :one
-- ClaimClock at the caller's now: whether a request is due at it, and whether a task is.
SELECT EXISTS (SELECT 1 FROM scheduled_task_requests AS r WHERE r.requested_at <= @now::timestamptz) AS requests_due,
    ((
        SELECT t.next_run_at FROM scheduled_tasks AS t
        WHERE t.enabled AND t.next_run_at <= @now::timestamptz
          AND (t.lease_until IS NULL OR t.lease_until <= @now::timestamptz)
        ORDER BY t.next_run_at LIMIT 1
    ) IS NOT NULL)::boolean AS tasks_due;

-- name: ClaimDueTasks :many
-- The claim starts an attempt: counted before it runs, and counted on from where an earlier
-- claim of the same occurrence (a runner that died) left off.
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
SET lease_owner = @owner, lease_until = @lease_until::timestamptz, lease_token = t.lease_token + 1,
    attempts = CASE WHEN t.attempt_for = t.next_run_at THEN t.attempts + 1 ELSE 1 END,
    first_attempt_at = CASE WHEN t.attempt_for = t.next_run_at THEN t.first_attempt_at
                            ELSE @now::timestamptz END,
    attempt_for = t.next_run_at, attempt_kind = NULL
FROM due
WHERE t.id = due.id
RETURNING t.*;

-- name: CompleteClaims :many
-- A batch of completions in one statement, so one transaction. Per claim: advance and release
-- only while its fencing token is current, and record the occurrence with its outcome unless
-- the ledger has it already. A stale claim matches no row and fails alone; the others commit.
-- The arrays are parallel, one element per claim (several unnest calls in one SELECT list run
-- in step); keep_enabled false means no next run. A claim whose skipped_count is above 0 also
-- records the occurrences skipped while it ran, as one skipped row keyed by skipped_first
-- (the same INSERT, so the same ON CONFLICT); recorded is about the claimed occurrence only.
-- A requested occurrence (attempt_kind set by LeaseForRequest: Trigger, Backfill) leaves the
-- task's run times and enabled flag alone, leaves its marker (attempts 0 for attempt_for, which
-- a stale LeaseForRequest of it re-reads on the row) and leaves the queue.
WITH c AS (
    SELECT unnest(@ids::text[]) AS id, unnest(@tokens::bigint[]) AS token,
        unnest(@scheduled_fors::timestamptz[]) AS scheduled_for,
        unnest(@next_run_ats::timestamptz[]) AS next_run_at,
        unnest(@keep_enableds::boolean[]) AS keep_enabled, unnest(@statuses::text[]) AS status,
        unnest(@attempt_counts::integer[]) AS attempts,
        unnest(@started_ats::timestamptz[]) AS started_at,
        unnest(@finished_ats::timestamptz[]) AS finished_at, unnest(@errors::text[]) AS error,
        unnest(@kinds::text[]) AS kind, unnest(@occurrence_counts::integer[]) AS occurrences,
        unnest(@last_scheduled_fors::timestamptz[]) AS last_scheduled_for,
        unnest(@skipped_firsts::timestamptz[]) AS skipped_first,
        unnest(@skipped_lasts::timestamptz[]) AS skipped_last,
        unnest(@skipped_counts::integer[]) AS skipped_count
), done AS (
    UPDATE scheduled_tasks AS t
    SET last_run_at = CASE WHEN t.attempt_kind IS NULL THEN c.scheduled_for ELSE t.last_run_at END,
        next_run_at = CASE WHEN t.attempt_kind IS NOT NULL THEN t.next_run_at
                           WHEN c.keep_enabled THEN c.next_run_at END,
        enabled = CASE WHEN t.attempt_kind IS NULL THEN t.enabled AND c.keep_enabled ELSE t.enabled END,
        attempts = CASE WHEN t.attempt_kind IS NULL THEN t.attempts ELSE 0 END,
        attempt_kind = NULL,
        lease_owner = NULL, lease_until = NULL,
        version = t.version + 1, updated_at = c.finished_at
    FROM c
    WHERE t.id = c.id AND t.lease_token = c.token AND t.lease_owner = @owner
    RETURNING t.id, t.lease_token
), gone AS (
    DELETE FROM scheduled_task_requests AS r
    USING c, done
    WHERE done.id = c.id AND done.lease_token = c.token
      AND r.task_id = c.id AND r.scheduled_for = c.scheduled_for
    RETURNING r.task_id
), fire AS (
    INSERT INTO scheduled_task_fires (
        task_id, scheduled_for, owner, started_at, finished_at, status, attempts, error, kind,
        occurrences, last_scheduled_for
    )
    SELECT c.id, c.scheduled_for, @owner, c.started_at, c.finished_at, c.status, c.attempts,
        c.error, c.kind, c.occurrences, c.last_scheduled_for
    FROM c JOIN done ON done.id = c.id AND done.lease_token = c.token
    UNION ALL
    SELECT c.id, c.skipped_first, @owner, NULL::timestamptz, c.finished_at, 'skipped'::text,
        1::integer, ''::text, 'scheduled'::text, c.skipped_count, c.skipped_last
    FROM c JOIN done ON done.id = c.id AND done.lease_token = c.token
    WHERE c.skipped_count > 0
    ON CONFLICT (task_id, scheduled_for) DO NOTHING
    RETURNING task_id, scheduled_for
)
SELECT done.id::text AS id, done.lease_token::bigint AS lease_token,
    EXISTS (
        SELECT 1 FROM fire JOIN c ON c.id = fire.task_id AND c.scheduled_for = fire.scheduled_for
        WHERE fire.task_id = done.id AND c.token = done.lease_token
    ) AS recorded
FROM done;

-- name: RenewLeases :many
-- Extends, in one statement, every lease this owner holds on the given tasks; the new end is on
-- the clock of the database, the one ClaimDue compares with. The caller compares the returned
-- tokens with those of its claims: a claim whose task is missing, or holds another token, is lost.
UPDATE scheduled_tasks
SET lease_until = clock_timestamp() + make_interval(secs => @lease_seconds::float8)
WHERE lease_owner = @owner AND id = ANY(@ids::text[])
RETURNING id, lease_token, lease_until;

-- name: StartRetry :execrows
-- The next attempt of a claimed occurrence, counted before it runs (fenced by the token).
UPDATE scheduled_tasks
SET attempts = attempts + 1
WHERE id = @id AND lease_token = @lease_token AND lease_owner = @owner
  AND attempt_for = @scheduled_for::timestamptz;

-- name: ReleaseClaim :execrows
-- Gives the lease back; the attempt the claim started stays counted.
UPDATE scheduled_tasks SET lease_owner = NULL, lease_until = NULL
WHERE id = @id AND lease_token = @lease_token AND lease_owner = @owner;

-- name: ReturnClaim :execrows
-- Gives back the lease of a claim whose attempt never started (queued, then handed back on
-- stop) and uncounts that attempt: the next claim of the occurrence is the same attempt again.
-- Returning attempt 1 leaves the row as never attempted (attempts 0, no attempt_for,
-- first_attempt_at or attempt_kind), so the next claim starts at attempt 1 with its own first
-- attempt time, and a returned request is claimable again (no completed-request marker); its
-- request row stays queued. Fenced by the token and, as StartRetry is, by the occurrence.
-- attempts comes last, as in MySQL (where it must): each CASE reads the count before the return.
UPDATE scheduled_tasks
SET lease_owner = NULL, lease_until = NULL,
    first_attempt_at = CASE WHEN attempts > 1 THEN first_attempt_at END,
    attempt_kind = CASE WHEN attempts > 1 THEN attempt_kind END,
    attempt_for = CASE WHEN attempts > 1 THEN attempt_for END,
    attempts = CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END
WHERE id = @id AND lease_token = @lease_token AND lease_owner = @owner
  AND attempt_for = @scheduled_for::timestamptz;

-- name: EnsureTask :execrows
-- Insert unless a task with this definition exists. NOT EXISTS spares the common case; the
-- unique ensure_sha256 decides between concurrent Ensure calls. The ensure key is the
-- fingerprint, so the parameters are CreateTask's.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, ensure_sha256,
    enabled, last_run_at, next_run_at, created_at, updated_at, description, max_retries,
    retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us, overlap_policy,
    jitter_us
)
SELECT @id, @task_name, @schedule_type, @schedule, @args::jsonb, @kwargs::jsonb,
    @definition_sha256, @definition_sha256, @enabled, sqlc.narg(last_run_at)::timestamptz,
    sqlc.narg(next_run_at)::timestamptz, @created_at::timestamptz, @updated_at::timestamptz,
    @description, @max_retries, @retry_delay_us, @priority, @misfire_policy::text,
    @max_catch_up::integer, @misfire_grace_us::bigint, @overlap_policy::text, @jitter_us::bigint
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
DELETE FROM scheduled_task_fires WHERE finished_at < @older_than;
