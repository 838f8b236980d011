-- Queries behind schedstore.Store (SQLite): claims, leases, completions, the fire ledger, Ensure.
-- Writers are serialized by SQLite itself (BEGIN IMMEDIATE, busy_timeout), so no row locks are
-- needed. Unlike tasks.sql, the -- name: set of this file differs per dialect: a statement writes
-- one table, so a completion writes the task, the ledger and the queue in statements of their
-- own (adapter/sqlite/dialect.go), and TestQueryNames (internal/sqlcquery) lists which names are
-- shared.

-- name: ClaimPriorities :many
-- The distinct priorities of enabled tasks, highest first: the view scheduled_task_priorities
-- (migration 000004), a loose index scan of scheduled_tasks_claim_idx, one probe per priority.
-- It ends with one NULL row (the recursion's last step), left out here.
SELECT CAST(p.priority AS INTEGER) AS priority FROM scheduled_task_priorities AS p WHERE p.priority IS NOT NULL;

-- name: ClaimDueTasks :many
-- The claim starts an attempt: counted before it runs, and counted on from where an earlier
-- claim of the same occurrence (a runner that died) left off.
-- One statement: pick and lease. RETURNING has no order: the adapter sorts.
-- Index-bound whatever the backlog (issue 11), on scheduled_tasks_claim_idx
-- (priority DESC, next_run_at_us, id) WHERE enabled = 1:
--   priorities: a JSON array of the distinct priorities of enabled rows, which ClaimPriorities
--         read just before (a loose index scan, one probe each). A parameter rather than the
--         view as a subquery: with ANALYZE's statistics SQLite compiles a prepared statement
--         again each time its parameters are bound, and the view made that about a fifth of a
--         claim (bench/scale/README.md);
--   d:    priority IN (those) becomes one range per priority, priority = p AND next_run_at_us <= now,
--         which SQLite walks in index order (highest priority first), so the ORDER BY needs no
--         sort and the scan stops at LIMIT rows.
-- So a claim reads one probe per distinct priority, the rows it takes, and the rows it steps over
-- inside the ranges: rows under a live lease (lease_until_us > now), at most the rows of the
-- claims in flight (claimers x LIMIT; completing or releasing a claim moves next_run_at_us or
-- clears the lease). Not the due rows beyond the batch: 100 due or 100,000, the same work.
-- adapter/sqlite/explain_test.go asserts the plan (no temp B-tree for the ORDER BY).
UPDATE scheduled_tasks
SET lease_owner = sqlc.arg(owner), lease_until_us = sqlc.arg(lease_until_us),
    lease_token = lease_token + 1,
    attempts = CASE WHEN attempt_for_us = next_run_at_us THEN attempts + 1 ELSE 1 END,
    first_attempt_at_us = CASE WHEN attempt_for_us = next_run_at_us THEN first_attempt_at_us
                               ELSE sqlc.arg(now_us) END,
    attempt_for_us = next_run_at_us, attempt_kind = NULL
WHERE id IN (
    SELECT d.id FROM scheduled_tasks AS d
    WHERE d.enabled = 1 AND d.priority IN (SELECT value FROM json_each(CAST(sqlc.arg(priorities) AS TEXT)))
      AND d.next_run_at_us <= sqlc.arg(now_us)
      AND (d.lease_until_us IS NULL OR d.lease_until_us <= sqlc.arg(now_us))
    ORDER BY d.priority DESC, d.next_run_at_us, d.id
    LIMIT sqlc.arg(max_claims)
)
RETURNING *;

-- name: AdvanceClaimedTask :execrows
-- Only while the fencing token is current; releases the lease. A requested occurrence
-- (attempt_kind set: Trigger, Backfill) leaves the run times and enabled flag alone and leaves
-- its marker (attempts 0 for attempt_for) for a stale LeaseForRequest to re-read.
UPDATE scheduled_tasks
SET last_run_at_us = CASE WHEN attempt_kind IS NULL THEN sqlc.arg(scheduled_for_us) ELSE last_run_at_us END,
    next_run_at_us = CASE WHEN attempt_kind IS NULL THEN sqlc.narg(next_run_at_us) ELSE next_run_at_us END,
    enabled = CASE WHEN attempt_kind IS NULL THEN enabled AND sqlc.arg(keep_enabled) ELSE enabled END,
    attempts = CASE WHEN attempt_kind IS NULL THEN attempts ELSE 0 END,
    attempt_kind = NULL,
    lease_owner = NULL, lease_until_us = NULL,
    version = version + 1, updated_at_us = sqlc.arg(finished_at_us)
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner);

-- name: RecordFire :execrows
-- 0 rows: the ledger has this occurrence already (the primary key). Also the skipped row of a
-- completion.
INSERT INTO scheduled_task_fires (
    task_id, scheduled_for_us, owner, started_at_us, finished_at_us, status, attempts, error,
    kind, occurrences, last_scheduled_for_us
) VALUES (
    sqlc.arg(task_id), sqlc.arg(scheduled_for_us), sqlc.arg(owner), sqlc.narg(started_at_us),
    sqlc.arg(finished_at_us), sqlc.arg(status), sqlc.arg(attempts), sqlc.arg(error),
    sqlc.arg(kind), sqlc.arg(occurrences), sqlc.narg(last_scheduled_for_us)
)
ON CONFLICT (task_id, scheduled_for_us) DO NOTHING;

-- name: RenewLeases :many
-- Extends every lease this owner holds on the given tasks. The caller compares the returned
-- tokens with those of its claims: a claim whose task is missing, or holds another token, is lost.
-- sqlc.slice comes last: placed before another parameter it binds wrong in SQLite.
UPDATE scheduled_tasks
SET lease_until_us = sqlc.arg(lease_until_us)
WHERE lease_owner = sqlc.arg(owner) AND id IN (sqlc.slice(ids))
RETURNING id, lease_token, lease_until_us;

-- name: StartRetry :execrows
-- The next attempt of a claimed occurrence, counted before it runs (fenced by the token).
UPDATE scheduled_tasks
SET attempts = attempts + 1
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner)
  AND attempt_for_us = sqlc.arg(scheduled_for_us);

-- name: ReleaseClaim :execrows
-- Gives the lease back; the attempt the claim started stays counted.
UPDATE scheduled_tasks SET lease_owner = NULL, lease_until_us = NULL
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner);

-- name: ReturnClaim :execrows
-- Gives back the lease of a claim whose attempt never started (queued, then handed back on
-- stop) and uncounts that attempt: the next claim of the occurrence is the same attempt again.
-- Returning attempt 1 leaves the row as never attempted (attempts 0, no attempt_for,
-- first_attempt_at or attempt_kind), so the next claim starts at attempt 1 with its own first
-- attempt time, and a returned request is claimable again (no completed-request marker); its
-- request row stays queued. Fenced by the token and, as StartRetry is, by the occurrence.
-- attempts comes last, as in MySQL (where it must): each CASE reads the count before the return.
UPDATE scheduled_tasks
SET lease_owner = NULL, lease_until_us = NULL,
    first_attempt_at_us = CASE WHEN attempts > 1 THEN first_attempt_at_us END,
    attempt_kind = CASE WHEN attempts > 1 THEN attempt_kind END,
    attempt_for_us = CASE WHEN attempts > 1 THEN attempt_for_us END,
    attempts = CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner)
  AND attempt_for_us = sqlc.arg(scheduled_for_us);

-- name: EnsureTask :execrows
-- Insert unless a task with this definition exists. NOT EXISTS spares the common case; the
-- unique ensure_sha256 decides between concurrent Ensure calls. The ensure key is the
-- fingerprint, so the parameters are CreateTask's.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, ensure_sha256,
    enabled, last_run_at_us, next_run_at_us, created_at_us, updated_at_us, description,
    max_retries, retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us,
    overlap_policy, jitter_us
)
SELECT sqlc.arg(id), sqlc.arg(task_name), sqlc.arg(schedule_type), sqlc.arg(schedule),
    sqlc.arg(args), sqlc.arg(kwargs), sqlc.arg(definition_sha256), sqlc.arg(definition_sha256),
    sqlc.arg(enabled), sqlc.narg(last_run_at_us), sqlc.narg(next_run_at_us),
    sqlc.arg(created_at_us), sqlc.arg(updated_at_us), sqlc.arg(description),
    sqlc.arg(max_retries), sqlc.arg(retry_delay_us), sqlc.arg(priority),
    sqlc.arg(misfire_policy), sqlc.arg(max_catch_up), sqlc.arg(misfire_grace_us),
    sqlc.arg(overlap_policy), sqlc.arg(jitter_us)
WHERE NOT EXISTS (
    SELECT 1 FROM scheduled_tasks AS s
    WHERE s.definition_sha256 = sqlc.arg(definition_sha256) AND s.task_name = sqlc.arg(task_name)
      AND s.schedule_type = sqlc.arg(schedule_type) AND s.schedule = sqlc.arg(schedule)
)
ON CONFLICT (ensure_sha256) DO NOTHING;

-- name: ListFires :many
SELECT * FROM scheduled_task_fires
WHERE task_id = sqlc.arg(task_id)
ORDER BY scheduled_for_us DESC
LIMIT sqlc.arg(max_fires);

-- name: PruneFires :execrows
DELETE FROM scheduled_task_fires WHERE finished_at_us < sqlc.arg(older_than_us);

-- name: DeleteRequest :execrows
-- A completed occurrence leaves the queue of requests (Trigger, Backfill), whichever way it was
-- claimed: the ledger holds it now.
DELETE FROM scheduled_task_requests WHERE task_id = sqlc.arg(task_id) AND scheduled_for_us = sqlc.arg(scheduled_for_us);
