-- Queries behind Store.Trigger, Store.Backfill and the claiming of requested occurrences
-- (SQLite). The same -- name: set in every dialect.

-- name: RequestCandidates :many
-- The oldest due request of each task, oldest first, a plain read: LeaseForRequest then takes
-- them task by task. One per task, so a long backfill of one task does not hide the requests
-- of the others (scheduled_task_requests_task_idx answers the NOT EXISTS).
SELECT r.task_id, r.scheduled_for_us, r.kind FROM scheduled_task_requests AS r
WHERE r.requested_at_us <= sqlc.arg(now_us)
  AND NOT EXISTS (
      SELECT 1 FROM scheduled_task_requests AS o
      WHERE o.task_id = r.task_id
        AND (o.requested_at_us < r.requested_at_us OR (o.requested_at_us = r.requested_at_us AND o.scheduled_for_us < r.scheduled_for_us))
  )
ORDER BY r.requested_at_us, r.scheduled_for_us
LIMIT sqlc.arg(max_requests);

-- name: LeaseForRequest :many
-- Leases a task for one of its requests: only while the task is under no live lease, the
-- request is still queued, and the task row does not say that this occurrence was just
-- completed (attempt_for_us set to it with attempts back at 0). The claim counts an attempt,
-- keyed to the requested occurrence.
UPDATE scheduled_tasks
SET lease_owner = sqlc.arg(owner), lease_until_us = sqlc.arg(lease_until_us),
    lease_token = lease_token + 1,
    attempts = CASE WHEN attempt_for_us = sqlc.arg(request_for_us) THEN attempts + 1 ELSE 1 END,
    first_attempt_at_us = CASE WHEN attempt_for_us = sqlc.arg(request_for_us) THEN first_attempt_at_us
                               ELSE sqlc.arg(now_us) END,
    attempt_for_us = sqlc.arg(request_for_us), attempt_kind = sqlc.arg(request_kind)
WHERE id = sqlc.arg(id) AND (lease_until_us IS NULL OR lease_until_us <= sqlc.arg(now_us))
  AND NOT COALESCE(attempt_for_us = sqlc.arg(request_for_us) AND attempts = 0, FALSE)
  AND EXISTS (
      SELECT 1 FROM scheduled_task_requests AS r
      WHERE r.task_id = sqlc.arg(id) AND r.scheduled_for_us = sqlc.arg(request_for_us)
  )
RETURNING *;

-- name: QueueRequest :execrows
-- Queues one occurrence unless the fire ledger or the queue holds it already.
INSERT INTO scheduled_task_requests (task_id, scheduled_for_us, kind, requested_at_us)
SELECT sqlc.arg(task_id), sqlc.arg(scheduled_for_us), sqlc.arg(kind), sqlc.arg(requested_at_us)
WHERE NOT EXISTS (
    SELECT 1 FROM scheduled_task_fires AS f
    WHERE f.task_id = sqlc.arg(task_id) AND f.scheduled_for_us = sqlc.arg(scheduled_for_us)
)
ON CONFLICT (task_id, scheduled_for_us) DO NOTHING;

-- name: TakenOccurrences :many
-- The occurrences of a task in [from, to) that the fire ledger or the queue holds.
SELECT f.scheduled_for_us FROM scheduled_task_fires AS f
WHERE f.task_id = sqlc.arg(task_id) AND f.scheduled_for_us >= sqlc.arg(from_us) AND f.scheduled_for_us < sqlc.arg(to_us)
UNION
SELECT r.scheduled_for_us FROM scheduled_task_requests AS r
WHERE r.task_id = sqlc.arg(task_id) AND r.scheduled_for_us >= sqlc.arg(from_us) AND r.scheduled_for_us < sqlc.arg(to_us);

-- name: NextRequest :many
-- The oldest request: how long a scheduler may sleep (the first entry of its index).
SELECT requested_at_us FROM scheduled_task_requests ORDER BY requested_at_us LIMIT 1;
