package bench

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// openPostgres opens schedstore on a fresh schema and a baseline on the
// same pool (so the same pgx settings: statement cache, pool size).
func openPostgres(tb testing.TB) (*postgres.Store, *pgBaseline) {
	tb.Helper()
	ours, err := postgres.Open(context.Background(), testdb.Postgres(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ours.Close() })
	return ours, &pgBaseline{pool: ours.DB()}
}

// pgRow is one row as a hand-written layer scans it: JSON stays text.
// Every column of the table, in its order: what schedstore's reads return.
type pgRow struct {
	ID, TaskName, ScheduleType, Schedule string
	Args, Kwargs, Fingerprint            string
	Enabled                              bool
	LastRunAt, NextRunAt                 *time.Time
	CreatedAt, UpdatedAt                 time.Time
	Description                          string
	MaxRetries                           int32
	RetryDelayUS                         int64
	Priority                             int32
	Version                              int64
	EnsureSHA256, LeaseOwner             *string
	LeaseUntil                           *time.Time
	LeaseToken                           int64
	// The attempt count a claim keeps (migration 000003).
	AttemptFor     *time.Time
	Attempts       int32
	FirstAttemptAt *time.Time
	// The task's policies and pause (migration 000005).
	MisfirePolicy  string
	MaxCatchUp     int32
	MisfireGraceUS int64
	OverlapPolicy  string
	JitterUS       int64
	PausedAt       *time.Time
	PauseReason    string
	// The kind of the occurrence attempt_for names (migration 000006).
	AttemptKind *string
}

func (r *pgRow) dest() []any {
	return []any{&r.ID, &r.TaskName, &r.ScheduleType, &r.Schedule, &r.Args, &r.Kwargs, &r.Fingerprint,
		&r.Enabled, &r.LastRunAt, &r.NextRunAt, &r.CreatedAt, &r.UpdatedAt, &r.Description, &r.MaxRetries,
		&r.RetryDelayUS, &r.Priority, &r.Version, &r.EnsureSHA256, &r.LeaseOwner, &r.LeaseUntil, &r.LeaseToken,
		&r.AttemptFor, &r.Attempts, &r.FirstAttemptAt,
		&r.MisfirePolicy, &r.MaxCatchUp, &r.MisfireGraceUS, &r.OverlapPolicy, &r.JitterUS, &r.PausedAt, &r.PauseReason,
		&r.AttemptKind}
}

// pgColumns are the 32 columns schedstore's reads return (SELECT *, which
// sqlc expands to this list, in table order), so that both sides read and
// transfer the same data. TestBaselineAgrees checks it against the table.
const pgColumns = `id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, enabled,
last_run_at, next_run_at, created_at, updated_at, description, max_retries, retry_delay_us, priority,
version, ensure_sha256, lease_owner, lease_until, lease_token,
attempt_for, attempts, first_attempt_at,
misfire_policy, max_catch_up, misfire_grace_us, overlap_policy, jitter_us, paused_at, pause_reason,
attempt_kind`

type pgBaseline struct{ pool *pgxpool.Pool }

var _ baseline[pgRow] = (*pgBaseline)(nil)

func (p *pgBaseline) create(ctx context.Context, v *rowValues) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, last_run_at, next_run_at, created_at, updated_at,
description, max_retries, retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us,
overlap_policy, jitter_us)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		v.ID, v.TaskName, v.ScheduleType, v.Schedule, v.Args, v.Kwargs, v.Fingerprint, v.Enabled,
		v.LastRunAt, v.NextRunAt, v.CreatedAt, v.UpdatedAt, v.Description, v.MaxRetries, v.RetryDelayUS,
		v.Priority, v.MisfirePolicy, v.MaxCatchUp, v.MisfireGraceUS, v.OverlapPolicy, v.JitterUS)
	return err
}

func (p *pgBaseline) get(ctx context.Context, id string) (pgRow, error) {
	var r pgRow
	err := p.pool.QueryRow(ctx, `SELECT `+pgColumns+` FROM scheduled_tasks WHERE id = $1`, id).Scan(r.dest()...)
	return r, err
}

func (p *pgBaseline) update(ctx context.Context, v *rowValues) (int64, error) {
	tag, err := p.pool.Exec(ctx, `UPDATE scheduled_tasks SET task_name = $2, schedule_type = $3,
schedule = $4, args = $5, kwargs = $6,
ensure_sha256 = CASE WHEN definition_sha256 = $7 THEN ensure_sha256 END, definition_sha256 = $7,
enabled = $8, last_run_at = $9, next_run_at = $10, updated_at = $11, description = $12,
max_retries = $13, retry_delay_us = $14, priority = $15, misfire_policy = $16, max_catch_up = $17,
misfire_grace_us = $18, overlap_policy = $19, jitter_us = $20,
paused_at = CASE WHEN $8 THEN NULL ELSE paused_at END,
pause_reason = CASE WHEN $8 THEN '' ELSE pause_reason END, version = version + 1
WHERE id = $1`,
		v.ID, v.TaskName, v.ScheduleType, v.Schedule, v.Args, v.Kwargs, v.Fingerprint, v.Enabled,
		v.LastRunAt, v.NextRunAt, v.UpdatedAt, v.Description, v.MaxRetries, v.RetryDelayUS, v.Priority,
		v.MisfirePolicy, v.MaxCatchUp, v.MisfireGraceUS, v.OverlapPolicy, v.JitterUS)
	return tag.RowsAffected(), err
}

func (p *pgBaseline) updateRunTimes(ctx context.Context, id string, lastRun, nextRun, now time.Time) (int64, error) {
	tag, err := p.pool.Exec(ctx, `UPDATE scheduled_tasks SET last_run_at = $2, next_run_at = $3,
updated_at = $4, version = version + 1 WHERE id = $1`, id, lastRun, nextRun, now)
	return tag.RowsAffected(), err
}

func (p *pgBaseline) listDue(ctx context.Context, now time.Time) ([]pgRow, error) {
	rows, err := p.pool.Query(ctx, `SELECT `+pgColumns+` FROM scheduled_tasks
WHERE enabled AND next_run_at <= $1 ORDER BY priority DESC, next_run_at, id`, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pgRow
	for rows.Next() {
		var r pgRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (p *pgBaseline) findByDefinition(ctx context.Context, fingerprint, name, typ, schedule string) (pgRow, error) {
	var r pgRow
	err := p.pool.QueryRow(ctx, `SELECT `+pgColumns+` FROM scheduled_tasks
WHERE definition_sha256 = $1 AND task_name = $2 AND schedule_type = $3 AND schedule = $4
ORDER BY created_at, id LIMIT 1`, fingerprint, name, typ, schedule).Scan(r.dest()...)
	return r, err
}

// seed inserts rows tasks in one statement; see dueAt for the due ones.
// The fingerprints are unique fake ones: nothing looks these rows up by
// definition, and Update writes the real one.
func (p *pgBaseline) seed(ctx context.Context, rows, dueEvery int) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, last_run_at, next_run_at, created_at, updated_at,
description, max_retries, retry_delay_us, priority)
SELECT 't' || lpad(i::text, 6, '0'), 'task-' || i, 'cron', $4, $5::jsonb, $6::jsonb,
       encode(sha256(('seed-' || i)::bytea), 'hex'), true, NULL,
       CASE WHEN i % $3 = 0 THEN $1::timestamptz - make_interval(secs => i)
            ELSE $1::timestamptz + make_interval(secs => i) END,
       $1::timestamptz - interval '1 day', $1::timestamptz - interval '1 day',
       $7, $8, $9, i % 5
FROM generate_series(1, $2::int) AS i`,
		dueAt, rows, dueEvery, seedSchedule, seedArgs, seedKwargs, seedDescription,
		seedMaxRetries, seedRetryDelay.Microseconds())
	return err
}

func (p *pgBaseline) analyze(ctx context.Context) error {
	_, err := p.pool.Exec(ctx, `VACUUM ANALYZE scheduled_tasks`)
	return err
}

func (p *pgBaseline) deleteCreated(ctx context.Context) (int64, error) {
	tag, err := p.pool.Exec(ctx, `DELETE FROM scheduled_tasks WHERE task_name = $1`, createdName)
	return tag.RowsAffected(), err
}

func (p *pgBaseline) toRow(r pgRow) taskrow.Row {
	return taskrow.Row{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUS,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: taskrow.Deref(r.LeaseOwner),
		Attempts: r.Attempts, FirstAttemptAt: r.FirstAttemptAt,
		MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp, MisfireGraceUS: r.MisfireGraceUS,
		OverlapPolicy: r.OverlapPolicy, JitterUS: r.JitterUS, PausedAt: r.PausedAt, PauseReason: r.PauseReason,
		AttemptFor: r.AttemptFor, AttemptKind: taskrow.Deref(r.AttemptKind),
	}
}

func (p *pgBaseline) readColumns() string { return pgColumns }

func (p *pgBaseline) starColumns(ctx context.Context) ([]string, error) {
	rows, err := p.pool.Query(ctx, `SELECT * FROM scheduled_tasks LIMIT 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for _, f := range rows.FieldDescriptions() {
		names = append(names, f.Name)
	}
	return names, nil
}
