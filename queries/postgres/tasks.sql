-- Queries behind schedstore.Backend (PostgreSQL). Each is one statement, so one round trip.
-- The same -- name: exists in queries/mysql and queries/sqlite.

-- name: CreateTask :exec
-- A duplicate id fails on the primary key (23505) in this same statement: no check-then-insert.
INSERT INTO scheduled_tasks (
    id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, enabled,
    last_run_at, next_run_at, created_at, updated_at, description, max_retries,
    retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us, overlap_policy,
    jitter_us
) VALUES (
    @id, @task_name, @schedule_type, @schedule, @args, @kwargs, @definition_sha256, @enabled,
    @last_run_at, @next_run_at, @created_at, @updated_at, @description, @max_retries,
    @retry_delay_us, @priority, @misfire_policy, @max_catch_up, @misfire_grace_us,
    @overlap_policy, @jitter_us
);

-- name: UpdateTask :execrows
-- expected_version 0: last writer wins; else only if the stored version is still the caller's
-- (0 rows: ErrConflict or ErrNotFound). ensure_sha256 goes when the definition changes, so
-- Ensure's unique key never names a definition the row no longer has. The pause (paused_at,
-- pause_reason) is written only by Pause and Resume, but enabling a task ends its pause.
UPDATE scheduled_tasks
SET task_name = @task_name,
    schedule_type = @schedule_type,
    schedule = @schedule,
    args = @args,
    kwargs = @kwargs,
    ensure_sha256 = CASE WHEN definition_sha256 = @definition_sha256 THEN ensure_sha256 END,
    definition_sha256 = @definition_sha256,
    enabled = @enabled,
    last_run_at = @last_run_at,
    next_run_at = @next_run_at,
    updated_at = @updated_at,
    description = @description,
    max_retries = @max_retries,
    retry_delay_us = @retry_delay_us,
    priority = @priority,
    misfire_policy = @misfire_policy,
    max_catch_up = @max_catch_up,
    misfire_grace_us = @misfire_grace_us,
    overlap_policy = @overlap_policy,
    jitter_us = @jitter_us,
    paused_at = CASE WHEN @enabled THEN NULL ELSE paused_at END,
    pause_reason = CASE WHEN @enabled THEN '' ELSE pause_reason END,
    version = version + 1
WHERE id = @id AND (version = @expected_version OR @expected_version = 0);

-- name: DeleteTask :execrows
DELETE FROM scheduled_tasks WHERE id = @id;

-- name: GetTask :one
SELECT * FROM scheduled_tasks WHERE id = @id;

-- name: ListAllTasks :many
SELECT * FROM scheduled_tasks ORDER BY created_at, id;

-- name: ListTasksPage :many
-- ListAll's order, one keyset page: the tasks after the cursor (created_at, id), at most
-- page_size of them. A range of scheduled_tasks_created_idx (row comparison as Index Cond), read
-- in order, so each page costs its own rows whatever the table. First page: a cursor before
-- every row (the zero time and '').
SELECT * FROM scheduled_tasks
WHERE (created_at, id) > (@after_created_at::timestamptz, @after_id::text)
ORDER BY created_at, id
LIMIT @page_size;

-- name: ListEnabledTasks :many
SELECT * FROM scheduled_tasks WHERE enabled ORDER BY next_run_at NULLS LAST, id;

-- name: ListDueTasks :many
-- Range scan on scheduled_tasks_due_idx; the due set is small, so the sort is cheap.
SELECT * FROM scheduled_tasks
WHERE enabled AND next_run_at <= @now
ORDER BY priority DESC, next_run_at, id;

-- name: UpdateRunTimes :execrows
UPDATE scheduled_tasks
SET last_run_at = @last_run_at, next_run_at = @next_run_at, updated_at = @updated_at,
    version = version + 1
WHERE id = @id;

-- name: ClearTasks :execrows
DELETE FROM scheduled_tasks;

-- name: FindTaskByDefinition :one
-- The fingerprint covers args and kwargs; the other columns guard against a collision.
-- Several matches: the oldest wins, so the answer is stable.
SELECT * FROM scheduled_tasks
WHERE definition_sha256 = @definition_sha256
  AND task_name = @task_name AND schedule_type = @schedule_type AND schedule = @schedule
ORDER BY created_at, id
LIMIT 1;

-- name: TaskExists :one
-- Only on the error path of an UPDATE that matched no row.
SELECT EXISTS (SELECT 1 FROM scheduled_tasks WHERE id = @id);

-- name: NextDue :one
-- The first entry of scheduled_tasks_due_idx: how long a scheduler may sleep.
SELECT next_run_at::timestamptz AS next_run_at FROM scheduled_tasks
WHERE enabled AND next_run_at IS NOT NULL
ORDER BY next_run_at
LIMIT 1;

-- name: SetTaskPause :execrows
-- Pause and Resume: read, decide, then write only if the stored version is still the one read
-- (0 rows: ErrConflict or ErrNotFound; the caller reads again).
UPDATE scheduled_tasks
SET enabled = @enabled, next_run_at = sqlc.narg(next_run_at)::timestamptz,
    paused_at = sqlc.narg(paused_at)::timestamptz, pause_reason = @pause_reason,
    updated_at = @updated_at, version = version + 1
WHERE id = @id AND version = @expected_version;
