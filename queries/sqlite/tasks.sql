-- Queries behind schedstore.Backend (SQLite). Times are *_us columns: Unix microseconds.
-- The same -- name: exists in queries/postgres and queries/mysql.

-- name: CreateTask :exec
-- A duplicate id fails on the primary key in this same statement: no check-then-insert.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, enabled,
    last_run_at_us, next_run_at_us, created_at_us, updated_at_us, description, max_retries,
    retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us, overlap_policy,
    jitter_us
) VALUES (
    sqlc.arg(id), sqlc.arg(task_name), sqlc.arg(schedule_type), sqlc.arg(schedule),
    sqlc.arg(args), sqlc.arg(kwargs), sqlc.arg(definition_sha256), sqlc.arg(enabled),
    sqlc.arg(last_run_at_us), sqlc.arg(next_run_at_us), sqlc.arg(created_at_us),
    sqlc.arg(updated_at_us), sqlc.arg(description), sqlc.arg(max_retries),
    sqlc.arg(retry_delay_us), sqlc.arg(priority), sqlc.arg(misfire_policy),
    sqlc.arg(max_catch_up), sqlc.arg(misfire_grace_us), sqlc.arg(overlap_policy),
    sqlc.arg(jitter_us)
);

-- name: UpdateTask :execrows
-- expected_version 0: last writer wins; else only if the stored version is still the caller's
-- (0 rows: ErrConflict or ErrNotFound).
-- ensure_sha256 goes when the definition changes, so Ensure's unique key never names a
-- definition the row no longer has. The pause (paused_at_us, pause_reason) is written only by
-- Pause and Resume, but enabling a task ends its pause.
UPDATE scheduled_tasks
SET task_name = sqlc.arg(task_name),
    schedule_type = sqlc.arg(schedule_type),
    schedule = sqlc.arg(schedule),
    args = sqlc.arg(args),
    kwargs = sqlc.arg(kwargs),
    ensure_sha256 = CASE WHEN definition_sha256 = sqlc.arg(definition_sha256) THEN ensure_sha256 END,
    definition_sha256 = sqlc.arg(definition_sha256),
    enabled = sqlc.arg(enabled),
    last_run_at_us = sqlc.arg(last_run_at_us),
    next_run_at_us = sqlc.arg(next_run_at_us),
    updated_at_us = sqlc.arg(updated_at_us),
    description = sqlc.arg(description),
    max_retries = sqlc.arg(max_retries),
    retry_delay_us = sqlc.arg(retry_delay_us),
    priority = sqlc.arg(priority),
    misfire_policy = sqlc.arg(misfire_policy),
    max_catch_up = sqlc.arg(max_catch_up),
    misfire_grace_us = sqlc.arg(misfire_grace_us),
    overlap_policy = sqlc.arg(overlap_policy),
    jitter_us = sqlc.arg(jitter_us),
    paused_at_us = CASE WHEN sqlc.arg(enabled) = 1 THEN NULL ELSE paused_at_us END,
    pause_reason = CASE WHEN sqlc.arg(enabled) = 1 THEN '' ELSE pause_reason END,
    version = version + 1
WHERE id = sqlc.arg(id)
  AND (version = sqlc.arg(expected_version) OR sqlc.arg(expected_version) = 0);

-- name: DeleteTask :execrows
DELETE FROM scheduled_tasks WHERE id = sqlc.arg(id);

-- name: GetTask :one
SELECT * FROM scheduled_tasks WHERE id = sqlc.arg(id);

-- name: ListAllTasks :many
SELECT * FROM scheduled_tasks ORDER BY created_at_us, id;

-- name: ListTasksPage :many
-- ListAll's order, one keyset page: the tasks after the cursor (created_at_us, id), at most
-- page_size of them. A range of scheduled_tasks_created_idx (row value), read in order, so each
-- page costs its own rows whatever the table. First page: a cursor before every row (a
-- created_at_us below any stored one and '').
SELECT * FROM scheduled_tasks
WHERE (created_at_us, id) > (sqlc.arg(after_created_at_us), CAST(sqlc.arg(after_id) AS TEXT))
ORDER BY created_at_us, id
LIMIT sqlc.arg(page_size);

-- name: ListEnabledTasks :many
-- "enabled = 1" literally, to match the partial index's WHERE.
SELECT * FROM scheduled_tasks WHERE enabled = 1 ORDER BY next_run_at_us NULLS LAST, id;

-- name: ListDueTasks :many
-- Range scan on the partial index scheduled_tasks_due_idx; the due set is small.
SELECT * FROM scheduled_tasks
WHERE enabled = 1 AND next_run_at_us <= sqlc.arg(now_us)
ORDER BY priority DESC, next_run_at_us, id;

-- name: UpdateRunTimes :execrows
UPDATE scheduled_tasks
SET last_run_at_us = sqlc.arg(last_run_at_us), next_run_at_us = sqlc.arg(next_run_at_us),
    updated_at_us = sqlc.arg(updated_at_us), version = version + 1
WHERE id = sqlc.arg(id);

-- name: ClearTasks :execrows
DELETE FROM scheduled_tasks;

-- name: FindTaskByDefinition :one
-- The fingerprint covers args and kwargs; the other columns guard against a collision.
-- Several matches: the oldest wins, so the answer is stable.
SELECT * FROM scheduled_tasks
WHERE definition_sha256 = sqlc.arg(definition_sha256)
  AND task_name = sqlc.arg(task_name) AND schedule_type = sqlc.arg(schedule_type)
  AND schedule = sqlc.arg(schedule)
ORDER BY created_at_us, id
LIMIT 1;

-- name: TaskExists :one
-- Only on the error path of an UPDATE that matched no row.
SELECT EXISTS (SELECT 1 FROM scheduled_tasks WHERE id = sqlc.arg(id));

-- name: NextDue :one
-- The first entry of scheduled_tasks_due_idx: how long a scheduler may sleep.
SELECT next_run_at_us FROM scheduled_tasks
WHERE enabled = 1 AND next_run_at_us IS NOT NULL
ORDER BY next_run_at_us
LIMIT 1;

-- name: SetTaskPause :execrows
-- Pause and Resume: read, decide, then write only if the stored version is still the one read
-- (0 rows: ErrConflict or ErrNotFound; the caller reads again).
UPDATE scheduled_tasks
SET enabled = sqlc.arg(enabled), next_run_at_us = sqlc.narg(next_run_at_us),
    paused_at_us = sqlc.narg(paused_at_us), pause_reason = sqlc.arg(pause_reason),
    updated_at_us = sqlc.arg(updated_at_us), version = version + 1
WHERE id = sqlc.arg(id) AND version = sqlc.arg(expected_version);
