-- Queries behind schedstore.Store (MySQL 8 / MariaDB 10.6+): claims, leases, completions, the
-- fire ledger, Ensure. Unlike tasks.sql, the -- name: set of this file differs per dialect:
-- MySQL has no UPDATE ... RETURNING and no writable CTE, so ClaimDue and CompleteClaims are
-- short transactions of these statements (adapter/mysql/dialect.go), and TestQueryNames
-- (internal/sqlcquery) lists which names are shared.

-- name: DatabaseNow :one
-- The one clock ClaimDue compares with when the caller passes none. NOW, not UTC_TIMESTAMP:
-- sqlc knows no UTC_TIMESTAMP(6), and Open sets the session's time_zone to +00:00.
SELECT NOW(6) AS now;

-- name: ClaimClock :many
-- What a claim reads before its transaction, with the clock of the database, in one round trip:
-- its now, whether a request (Trigger, Backfill) is due at it (the queue is only read when one
-- is), whether an enabled task is due and free of a live lease at it (the claim transaction only
-- runs when one is: a claim that finds nothing is this statement alone; the first such entry of
-- scheduled_tasks_due_idx ends the look, and the leased ones before it are at most those of the
-- claims in flight), and the distinct (enabled, priority) pairs that SelectDueForClaim ranges
-- over, so that the claim transaction spends no round trip on them. It is ClaimPriorities with
-- the rest as constant columns: still the loose index scan ("Using index for group-by"), one row
-- per pair; each uncorrelated EXISTS runs once. No derived tables: MariaDB materializes each one into a
-- temporary table per execution, which cost about what the saved round trip does. No rows: the
-- table is empty, so no request is queued either (a request references its task); the adapter
-- then reads the clock alone (DatabaseNow). The adapter keeps the enabled pairs: no WHERE
-- enabled = TRUE here either, for the reason given at ClaimPriorities.
SELECT NOW(6) AS now,
    EXISTS (SELECT 1 FROM scheduled_task_requests WHERE requested_at <= NOW(6)) AS requests_due,
    EXISTS (
        SELECT 1 FROM scheduled_tasks AS d
        WHERE d.enabled = TRUE AND d.next_run_at <= NOW(6) AND (d.lease_until IS NULL OR d.lease_until <= NOW(6))
    ) AS tasks_due,
    enabled, priority
FROM scheduled_tasks GROUP BY enabled, priority;

-- name: ClaimClockAt :many
-- ClaimClock for a claim at the caller's now: whether a request is due at it, whether a task
-- is (due_at: the same now; sqlc types it from the nullable columns, now from a NOT NULL one),
-- and the distinct (enabled, priority) pairs, in one round trip. No rows: an empty table, no
-- request.
SELECT EXISTS (SELECT 1 FROM scheduled_task_requests WHERE requested_at <= sqlc.arg(now)) AS requests_due,
    EXISTS (
        SELECT 1 FROM scheduled_tasks AS d
        WHERE d.enabled = TRUE AND d.next_run_at <= sqlc.arg(due_at)
          AND (d.lease_until IS NULL OR d.lease_until <= sqlc.arg(due_at))
    ) AS tasks_due,
    enabled, priority
FROM scheduled_tasks GROUP BY enabled, priority;

-- name: ClaimPriorities :many
-- The distinct (enabled, priority) pairs: a loose index scan of scheduled_tasks_priority_idx,
-- one probe per pair ("Using index for group-by"), whatever the table or the backlog. The
-- adapter keeps the enabled ones: SelectDueForClaim's ranges. No WHERE enabled = TRUE: with it
-- MariaDB reads every enabled index entry instead (see the migration 000004). ClaimDue reads
-- the pairs with ClaimClock or ClaimClockAt, before its transaction; this query is for a claim
-- window that carries none (taskrow.ClaimWindow.Priorities nil).
SELECT enabled, priority FROM scheduled_tasks GROUP BY enabled, priority;

-- name: SelectDueForClaim :many
-- Locks the picked rows; rows another instance has locked are skipped, not waited for.
-- Index-bound whatever the backlog (issue 11): MariaDB has no LATERAL, so the priorities come
-- first (ClaimClock, ClaimClockAt or ClaimPriorities) and become one range of scheduled_tasks_claim_idx each,
-- (enabled, priority) = (TRUE, p) AND next_run_at <= now. The ranges are read in index order,
-- which is the ORDER BY (no filesort), and the read stops at LIMIT rows. So InnoDB reads, and
-- locks, the rows it takes plus those it steps over inside the ranges: rows under a live lease
-- (lease_until > now: at most the rows of the claims in flight, claimers x LIMIT; completing or
-- releasing a claim moves next_run_at or clears the lease) and rows other claimers hold (SKIP
-- LOCKED: not locked, not waited for). Not the due rows beyond the batch: 100 due or 100,000,
-- the same work. A priority that appears after they were read is claimed next time.
SELECT * FROM scheduled_tasks
WHERE enabled = TRUE AND priority IN (sqlc.slice(priorities)) AND next_run_at <= sqlc.arg(now)
  AND (lease_until IS NULL OR lease_until <= sqlc.arg(now))
ORDER BY priority DESC, next_run_at, id
LIMIT ?
FOR UPDATE SKIP LOCKED;

-- name: LeaseTasks :execrows
-- The claim starts an attempt: counted before it runs, and counted on from where an earlier
-- claim of the same occurrence (a runner that died) left off. MySQL assigns left to right,
-- each seeing the ones before it: attempt_for must come last.
UPDATE scheduled_tasks
SET lease_owner = sqlc.arg(owner), lease_until = sqlc.arg(lease_until), lease_token = lease_token + 1,
    attempts = CASE WHEN attempt_for = next_run_at THEN attempts + 1 ELSE 1 END,
    first_attempt_at = CASE WHEN attempt_for = next_run_at THEN first_attempt_at ELSE sqlc.arg(now) END,
    attempt_kind = NULL,
    attempt_for = next_run_at
WHERE id IN (sqlc.slice(ids));

-- name: AdvanceClaimedTask :execrows
-- Only while the fencing token is current; releases the lease. A requested occurrence
-- (attempt_kind set: Trigger, Backfill) leaves the run times and enabled flag alone and leaves
-- its marker (attempts 0 for attempt_for) for a stale LeaseForRequest to re-read. MySQL assigns
-- left to right: attempt_kind is cleared after the columns that read it.
UPDATE scheduled_tasks
SET last_run_at = CASE WHEN attempt_kind IS NULL THEN sqlc.arg(scheduled_for) ELSE last_run_at END,
    next_run_at = CASE WHEN attempt_kind IS NULL THEN sqlc.narg(next_run_at) ELSE next_run_at END,
    enabled = CASE WHEN attempt_kind IS NULL THEN enabled AND sqlc.arg(keep_enabled) ELSE enabled END,
    attempts = CASE WHEN attempt_kind IS NULL THEN attempts ELSE 0 END,
    attempt_kind = NULL,
    lease_owner = NULL, lease_until = NULL,
    version = version + 1, updated_at = sqlc.arg(finished_at)
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner);

-- name: RecordFire :execrows
-- 0 rows: the ledger has this occurrence already (the primary key). IGNORE turns only that
-- into a warning here: the task row exists (AdvanceClaimedTask just updated it in this
-- transaction) and the values pass every check. Also the skipped row of a completion.
INSERT IGNORE INTO scheduled_task_fires (
    task_id, scheduled_for, owner, started_at, finished_at, status, attempts, error, kind,
    occurrences, last_scheduled_for
) VALUES (
    sqlc.arg(task_id), sqlc.arg(scheduled_for), sqlc.arg(owner), sqlc.arg(started_at),
    sqlc.arg(finished_at), sqlc.arg(status), sqlc.arg(attempts), sqlc.arg(error),
    sqlc.arg(kind), sqlc.arg(occurrences), sqlc.arg(last_scheduled_for)
);

-- name: RenewLeases :execrows
-- Extends every lease this owner holds on the given tasks, on the clock of the database (the
-- one ClaimDue compares with); LeasesHeld then tells which tokens they carry.
UPDATE scheduled_tasks
SET lease_until = DATE_ADD(NOW(6), INTERVAL sqlc.arg(lease_us) MICROSECOND)
WHERE lease_owner = sqlc.arg(owner) AND id IN (sqlc.slice(ids));

-- name: LeasesHeld :many
-- After RenewLeases: a claim whose task is missing here, or holds another token, is lost.
SELECT id, lease_token, lease_until FROM scheduled_tasks
WHERE lease_owner = sqlc.arg(owner) AND id IN (sqlc.slice(ids));

-- name: StartRetry :execrows
-- The next attempt of a claimed occurrence, counted before it runs (fenced by the token).
UPDATE scheduled_tasks
SET attempts = attempts + 1
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner)
  AND attempt_for = sqlc.arg(scheduled_for);

-- name: ReleaseClaim :execrows
-- Gives the lease back; the attempt the claim started stays counted.
UPDATE scheduled_tasks SET lease_owner = NULL, lease_until = NULL
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner);

-- name: ReturnClaim :execrows
-- Gives back the lease of a claim whose attempt never started (queued, then handed back on
-- stop) and uncounts that attempt: the next claim of the occurrence is the same attempt again.
-- Returning attempt 1 leaves the row as never attempted (attempts 0, no attempt_for,
-- first_attempt_at or attempt_kind), so the next claim starts at attempt 1 with its own first
-- attempt time, and a returned request is claimable again (no completed-request marker); its
-- request row stays queued. Fenced by the token and, as StartRetry is, by the occurrence.
-- MySQL assigns left to right, each seeing the ones before it: attempts must come last, so
-- that every CASE reads the count the claim left.
UPDATE scheduled_tasks
SET lease_owner = NULL, lease_until = NULL,
    first_attempt_at = CASE WHEN attempts > 1 THEN first_attempt_at END,
    attempt_kind = CASE WHEN attempts > 1 THEN attempt_kind END,
    attempt_for = CASE WHEN attempts > 1 THEN attempt_for END,
    attempts = CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END
WHERE id = sqlc.arg(id) AND lease_token = sqlc.arg(lease_token) AND lease_owner = sqlc.arg(owner)
  AND attempt_for = sqlc.arg(scheduled_for);

-- name: EnsureTask :execrows
-- Insert with the definition's ensure key, after the adapter looked the definition up (a plain
-- read): between concurrent Ensure calls the unique ensure_sha256 decides (error 1062), and the
-- losers look again. Not INSERT ... SELECT ... WHERE NOT EXISTS: under REPEATABLE READ that
-- SELECT takes shared next-key locks, and concurrent Ensure calls inserting into the gap they
-- all locked deadlock (1213) by the dozen. The ensure key is the fingerprint: the VALUES list
-- names definition_sha256, set just before it (MySQL reads a column set earlier in the list), so
-- the parameters are CreateTask's.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, ensure_sha256,
    enabled, last_run_at, next_run_at, created_at, updated_at, description, max_retries,
    retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us, overlap_policy,
    jitter_us
) VALUES (
    sqlc.arg(id), sqlc.arg(task_name), sqlc.arg(schedule_type), sqlc.arg(schedule),
    sqlc.arg(args), sqlc.arg(kwargs), sqlc.arg(definition_sha256), definition_sha256,
    sqlc.arg(enabled), sqlc.narg(last_run_at), sqlc.narg(next_run_at), sqlc.arg(created_at),
    sqlc.arg(updated_at), sqlc.arg(description), sqlc.arg(max_retries),
    sqlc.arg(retry_delay_us), sqlc.arg(priority), sqlc.arg(misfire_policy),
    sqlc.arg(max_catch_up), sqlc.arg(misfire_grace_us), sqlc.arg(overlap_policy),
    sqlc.arg(jitter_us)
);

-- name: ListFires :many
SELECT * FROM scheduled_task_fires
WHERE task_id = sqlc.arg(task_id)
ORDER BY scheduled_for DESC
LIMIT ?;

-- name: PruneFires :execrows
DELETE FROM scheduled_task_fires WHERE finished_at < sqlc.arg(older_than);

-- name: DeleteRequest :execrows
-- A completed occurrence leaves the queue of requests (Trigger, Backfill), whichever way it was
-- claimed: the ledger holds it now.
DELETE FROM scheduled_task_requests WHERE task_id = sqlc.arg(task_id) AND scheduled_for = sqlc.arg(scheduled_for);

-- name: GetLeasedTask :one
-- The task LeaseForRequest just leased, read in its transaction.
SELECT * FROM scheduled_tasks WHERE id = sqlc.arg(id) AND lease_owner = sqlc.arg(owner);
