-- Queries behind schedstore.Backend (MySQL / MariaDB). Each is one statement, so one round trip
-- (the driver runs with interpolateParams=true: no prepare/execute/close triplets).
-- The same -- name: exists in queries/postgres and queries/sqlite.

-- name: CreateTask :exec
-- A duplicate id fails on the primary key (1062) in this same statement: no check-then-insert.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, enabled,
    last_run_at, next_run_at, created_at, updated_at, description, max_retries,
    retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us, overlap_policy,
    jitter_us
) VALUES (
    sqlc.arg(id), sqlc.arg(task_name), sqlc.arg(schedule_type), sqlc.arg(schedule),
    sqlc.arg(args), sqlc.arg(kwargs), sqlc.arg(definition_sha256), sqlc.arg(enabled),
    sqlc.arg(last_run_at), sqlc.arg(next_run_at), sqlc.arg(created_at), sqlc.arg(updated_at),
    sqlc.arg(description), sqlc.arg(max_retries), sqlc.arg(retry_delay_us), sqlc.arg(priority),
    sqlc.arg(misfire_policy), sqlc.arg(max_catch_up), sqlc.arg(misfire_grace_us),
    sqlc.arg(overlap_policy), sqlc.arg(jitter_us)
);

-- name: UpdateTask :execrows
-- expected_version 0: last writer wins; else only if the stored version is still the caller's
-- (0 rows: ErrConflict or ErrNotFound).
-- version = version + 1 changes every matched row, so a match counts as affected with or
-- without clientFoundRows; on 0 the adapter asks TaskExists only to tell a stale version
-- from a missing row.
-- ensure_sha256 goes when the definition changes, so Ensure's unique key never names a
-- definition the row no longer has. MySQL assigns left to right: it must precede
-- definition_sha256.
-- The pause (paused_at, pause_reason) is written only by Pause and Resume, but enabling a task
-- ends its pause: those two follow enabled, and see its new value.
UPDATE scheduled_tasks
SET task_name = sqlc.arg(task_name),
    schedule_type = sqlc.arg(schedule_type),
    schedule = sqlc.arg(schedule),
    args = sqlc.arg(args),
    kwargs = sqlc.arg(kwargs),
    ensure_sha256 = IF(definition_sha256 = sqlc.arg(definition_sha256), ensure_sha256, NULL),
    definition_sha256 = sqlc.arg(definition_sha256),
    enabled = sqlc.arg(enabled),
    last_run_at = sqlc.arg(last_run_at),
    next_run_at = sqlc.arg(next_run_at),
    updated_at = sqlc.arg(updated_at),
    description = sqlc.arg(description),
    max_retries = sqlc.arg(max_retries),
    retry_delay_us = sqlc.arg(retry_delay_us),
    priority = sqlc.arg(priority),
    misfire_policy = sqlc.arg(misfire_policy),
    max_catch_up = sqlc.arg(max_catch_up),
    misfire_grace_us = sqlc.arg(misfire_grace_us),
    overlap_policy = sqlc.arg(overlap_policy),
    jitter_us = sqlc.arg(jitter_us),
    paused_at = IF(enabled, NULL, paused_at),
    pause_reason = IF(enabled, '', pause_reason),
    version = version + 1
WHERE id = sqlc.arg(id)
  AND (version = sqlc.arg(expected_version) OR sqlc.arg(expected_version) = 0);

-- name: DeleteTask :execrows
DELETE FROM scheduled_tasks WHERE id = sqlc.arg(id);

-- name: GetTask :one
SELECT * FROM scheduled_tasks WHERE id = sqlc.arg(id);

-- name: ListAllTasks :many
SELECT * FROM scheduled_tasks ORDER BY created_at, id;

-- name: ListTasksPage :many
-- ListAll's order, one keyset page: the tasks after the cursor (created_at, id), at most
-- LIMIT of them. Spelt out rather than as a row comparison, which MariaDB does not turn into an
-- index range: two ranges of scheduled_tasks_created_idx, read in order, so each page costs its
-- own rows whatever the table. First page: a cursor before every row (the zero time and '').
SELECT * FROM scheduled_tasks
WHERE created_at > sqlc.arg(after_created_at)
   OR (created_at = sqlc.arg(after_created_at) AND id > sqlc.arg(after_id))
ORDER BY created_at, id
LIMIT ?;

-- name: ListEnabledTasks :many
-- MySQL has no NULLS LAST: sort on "is null" first.
SELECT * FROM scheduled_tasks WHERE enabled = TRUE ORDER BY next_run_at IS NULL, next_run_at, id;

-- name: ListDueTasks :many
-- Range scan on scheduled_tasks_due_idx (enabled, next_run_at); the due set is small.
SELECT * FROM scheduled_tasks
WHERE enabled = TRUE AND next_run_at <= sqlc.arg(now)
ORDER BY priority DESC, next_run_at, id;

-- name: UpdateRunTimes :execrows
UPDATE scheduled_tasks
SET last_run_at = sqlc.arg(last_run_at), next_run_at = sqlc.arg(next_run_at),
    updated_at = sqlc.arg(updated_at), version = version + 1
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
ORDER BY created_at, id
LIMIT 1;

-- name: TaskExists :one
-- Only on the error path of an UPDATE that reported no row.
SELECT EXISTS (SELECT 1 FROM scheduled_tasks WHERE id = sqlc.arg(id));

-- name: NextDue :one
-- The first entry of scheduled_tasks_due_idx: how long a scheduler may sleep.
SELECT next_run_at FROM scheduled_tasks
WHERE enabled = TRUE AND next_run_at IS NOT NULL
ORDER BY next_run_at
LIMIT 1;

-- name: SetTaskPause :execrows
-- Pause and Resume: read, decide, then write only if the stored version is still the one read
-- (0 rows: ErrConflict or ErrNotFound; the caller reads again). version = version + 1 changes
-- every matched row, so a match counts as affected.
UPDATE scheduled_tasks
SET enabled = sqlc.arg(enabled), next_run_at = sqlc.narg(next_run_at),
    paused_at = sqlc.narg(paused_at), pause_reason = sqlc.arg(pause_reason),
    updated_at = sqlc.arg(updated_at), version = version + 1
WHERE id = sqlc.arg(id) AND version = sqlc.arg(expected_version);
