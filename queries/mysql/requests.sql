-- Queries behind Store.Trigger, Store.Backfill and the claiming of requested occurrences
-- (MySQL 8 / MariaDB 10.6+). The same -- name: set in every dialect.

-- name: RequestCandidates :many
-- The oldest due request of each task, oldest first, a plain read: LeaseForRequest then takes
-- them task by task. One per task, so a long backfill of one task does not hide the requests
-- of the others (scheduled_task_requests_task_idx answers the NOT EXISTS).
SELECT r.task_id, r.scheduled_for, r.kind FROM scheduled_task_requests AS r
WHERE r.requested_at <= sqlc.arg(now)
  AND NOT EXISTS (
      SELECT 1 FROM scheduled_task_requests AS o
      WHERE o.task_id = r.task_id
        AND (o.requested_at < r.requested_at OR (o.requested_at = r.requested_at AND o.scheduled_for < r.scheduled_for))
  )
ORDER BY r.requested_at, r.scheduled_for
LIMIT ?;

-- name: LeaseForRequest :execrows
-- Leases a task for one of its requests: only while the task is under no live lease, the
-- request is still queued, and the task row does not say that this occurrence was just
-- completed (attempt_for set to it with attempts back at 0). The claim counts an attempt, keyed
-- to the requested occurrence. MySQL assigns left to right: attempt_for comes last.
UPDATE scheduled_tasks
SET lease_owner = sqlc.arg(owner), lease_until = sqlc.arg(lease_until), lease_token = lease_token + 1,
    attempts = CASE WHEN attempt_for = sqlc.arg(request_for) THEN attempts + 1 ELSE 1 END,
    first_attempt_at = CASE WHEN attempt_for = sqlc.arg(request_for) THEN first_attempt_at ELSE sqlc.arg(now) END,
    attempt_kind = sqlc.arg(request_kind),
    attempt_for = sqlc.arg(request_for)
WHERE id = sqlc.arg(id) AND (lease_until IS NULL OR lease_until <= sqlc.arg(now))
  AND (attempt_for IS NULL OR attempt_for <> sqlc.arg(request_for) OR attempts <> 0)
  AND EXISTS (
      SELECT 1 FROM scheduled_task_requests AS r
      WHERE r.task_id = sqlc.arg(id) AND r.scheduled_for = sqlc.arg(request_at)
  );

-- name: QueueRequest :execrows
-- Queues one occurrence unless the fire ledger or the queue holds it already.
INSERT IGNORE INTO scheduled_task_requests (task_id, scheduled_for, kind, requested_at)
SELECT sqlc.arg(task_id), sqlc.arg(scheduled_for), sqlc.arg(kind), sqlc.arg(requested_at) FROM DUAL
WHERE NOT EXISTS (
    SELECT 1 FROM scheduled_task_fires AS f
    WHERE f.task_id = sqlc.arg(task_id) AND f.scheduled_for = sqlc.arg(scheduled_for)
);

-- name: TakenOccurrences :many
-- The occurrences of a task in [from, to) that the fire ledger or the queue holds.
SELECT f.scheduled_for FROM scheduled_task_fires AS f
WHERE f.task_id = sqlc.arg(task_id) AND f.scheduled_for >= sqlc.arg(from_at) AND f.scheduled_for < sqlc.arg(to_at)
UNION
SELECT r.scheduled_for FROM scheduled_task_requests AS r
WHERE r.task_id = sqlc.arg(task_id) AND r.scheduled_for >= sqlc.arg(from_at) AND r.scheduled_for < sqlc.arg(to_at);

-- name: NextRequest :many
-- The oldest request: how long a scheduler may sleep (the first entry of its index).
SELECT requested_at FROM scheduled_task_requests ORDER BY requested_at LIMIT 1;
