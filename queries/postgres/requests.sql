-- Queries behind Store.Trigger, Store.Backfill and the claiming of requested occurrences
-- (PostgreSQL). The same -- name: set in every dialect.

-- name: RequestCandidates :many
-- The oldest due request of each task, oldest first, a plain read: LeaseForRequest then takes
-- them task by task. One per task, so a long backfill of one task does not hide the requests
-- of the others (scheduled_task_requests_task_idx answers the NOT EXISTS).
SELECT r.task_id, r.scheduled_for, r.kind FROM scheduled_task_requests AS r
WHERE r.requested_at <= @now::timestamptz
  AND NOT EXISTS (
      SELECT 1 FROM scheduled_task_requests AS o
      WHERE o.task_id = r.task_id
        AND (o.requested_at < r.requested_at OR (o.requested_at = r.requested_at AND o.scheduled_for < r.scheduled_for))
  )
ORDER BY r.requested_at, r.scheduled_for
LIMIT @max_requests;

-- name: LeaseForRequest :many
-- Leases a task for one of its requests: only while the task is under no live lease, the
-- request is still queued, and the task row does not say that this occurrence was just
-- completed (attempt_for set to it with attempts back at 0: the marker a completed request
-- leaves, which a concurrent claim re-reads on the row itself). The claim counts an attempt,
-- keyed to the requested occurrence.
UPDATE scheduled_tasks
SET lease_owner = @owner, lease_until = @lease_until::timestamptz, lease_token = lease_token + 1,
    attempts = CASE WHEN attempt_for = @request_for::timestamptz THEN attempts + 1 ELSE 1 END,
    first_attempt_at = CASE WHEN attempt_for = @request_for::timestamptz THEN first_attempt_at
                            ELSE @now::timestamptz END,
    attempt_for = @request_for::timestamptz, attempt_kind = @request_kind
WHERE id = @id AND (lease_until IS NULL OR lease_until <= @now::timestamptz)
  AND NOT COALESCE(attempt_for = @request_for::timestamptz AND attempts = 0, FALSE)
  AND EXISTS (
      SELECT 1 FROM scheduled_task_requests AS r
      WHERE r.task_id = @id AND r.scheduled_for = @request_for::timestamptz
  )
RETURNING *;

-- name: QueueRequest :execrows
-- Queues one occurrence unless the fire ledger or the queue holds it already.
INSERT INTO scheduled_task_requests (task_id, scheduled_for, kind, requested_at)
SELECT @task_id::text, @scheduled_for::timestamptz, @kind::text, @requested_at::timestamptz
WHERE NOT EXISTS (
    SELECT 1 FROM scheduled_task_fires AS f
    WHERE f.task_id = @task_id::text AND f.scheduled_for = @scheduled_for::timestamptz
)
ON CONFLICT (task_id, scheduled_for) DO NOTHING;

-- name: TakenOccurrences :many
-- The occurrences of a task in [from, to) that the fire ledger or the queue holds.
SELECT f.scheduled_for FROM scheduled_task_fires AS f
WHERE f.task_id = @task_id AND f.scheduled_for >= @from_at::timestamptz AND f.scheduled_for < @to_at::timestamptz
UNION
SELECT r.scheduled_for FROM scheduled_task_requests AS r
WHERE r.task_id = @task_id AND r.scheduled_for >= @from_at::timestamptz AND r.scheduled_for < @to_at::timestamptz;

-- name: NextRequest :many
-- The oldest request: how long a scheduler may sleep (the first entry of its index).
SELECT requested_at FROM scheduled_task_requests ORDER BY requested_at LIMIT 1;
