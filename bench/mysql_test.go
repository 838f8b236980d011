package bench

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	mysqladapter "github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// openMySQL opens schedstore on a fresh database and a baseline on the same
// *sql.DB, so on the same DSN (interpolateParams=true, parseTime, loc=UTC,
// clientFoundRows) and pool.
func openMySQL(tb testing.TB) (*mysqladapter.Store, *mysqlBaseline) {
	tb.Helper()
	ours, err := mysqladapter.Open(context.Background(), testdb.MySQL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ours.Close() })
	return ours, &mysqlBaseline{db: ours.DB()}
}

// mysqlRow is one row as a hand-written layer scans it: JSON stays text.
// Every column of the table, in its order: what schedstore's reads return.
type mysqlRow struct {
	ID                               []byte // VARBINARY
	TaskName, ScheduleType, Schedule string
	Args, Kwargs, Fingerprint        string
	Enabled                          bool
	LastRunAt, NextRunAt             sql.NullTime
	CreatedAt, UpdatedAt             time.Time
	Description                      string
	MaxRetries                       int32
	RetryDelayUS                     int64
	Priority                         int32
	Version                          int64
	EnsureSHA256, LeaseOwner         sql.NullString
	LeaseUntil                       sql.NullTime
	LeaseToken                       int64
	// The attempt count a claim keeps (migration 000003).
	AttemptFor     sql.NullTime
	Attempts       int32
	FirstAttemptAt sql.NullTime
	// The task's policies and pause (migration 000005).
	MisfirePolicy  string
	MaxCatchUp     int32
	MisfireGraceUS int64
	OverlapPolicy  string
	JitterUS       int64
	PausedAt       sql.NullTime
	PauseReason    string
	// The kind of the occurrence attempt_for names (migration 000006).
	AttemptKind sql.NullString
}

func (r *mysqlRow) dest() []any {
	return []any{&r.ID, &r.TaskName, &r.ScheduleType, &r.Schedule, &r.Args, &r.Kwargs, &r.Fingerprint,
		&r.Enabled, &r.LastRunAt, &r.NextRunAt, &r.CreatedAt, &r.UpdatedAt, &r.Description, &r.MaxRetries,
		&r.RetryDelayUS, &r.Priority, &r.Version, &r.EnsureSHA256, &r.LeaseOwner, &r.LeaseUntil, &r.LeaseToken,
		&r.AttemptFor, &r.Attempts, &r.FirstAttemptAt,
		&r.MisfirePolicy, &r.MaxCatchUp, &r.MisfireGraceUS, &r.OverlapPolicy, &r.JitterUS, &r.PausedAt, &r.PauseReason,
		&r.AttemptKind}
}

const mysqlColumns = pgColumns // the same names, in the same order

type mysqlBaseline struct{ db *sql.DB }

var _ baseline[mysqlRow] = (*mysqlBaseline)(nil)

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *t, Valid: true}
}

func (m *mysqlBaseline) create(ctx context.Context, v *rowValues) error {
	_, err := m.db.ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, last_run_at, next_run_at, created_at, updated_at,
description, max_retries, retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us,
overlap_policy, jitter_us)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.TaskName, v.ScheduleType, v.Schedule, v.Args, v.Kwargs, v.Fingerprint, v.Enabled,
		nullTime(v.LastRunAt), nullTime(v.NextRunAt), v.CreatedAt, v.UpdatedAt, v.Description,
		v.MaxRetries, v.RetryDelayUS, v.Priority, v.MisfirePolicy, v.MaxCatchUp, v.MisfireGraceUS,
		v.OverlapPolicy, v.JitterUS)
	return err
}

func (m *mysqlBaseline) get(ctx context.Context, id string) (mysqlRow, error) {
	var r mysqlRow
	err := m.db.QueryRowContext(ctx, `SELECT `+mysqlColumns+` FROM scheduled_tasks WHERE id = ?`, id).Scan(r.dest()...)
	return r, err
}

func (m *mysqlBaseline) update(ctx context.Context, v *rowValues) (int64, error) {
	// MySQL assigns left to right: ensure_sha256 reads the old fingerprint,
	// paused_at and pause_reason the new enabled.
	res, err := m.db.ExecContext(ctx, `UPDATE scheduled_tasks SET task_name = ?, schedule_type = ?,
schedule = ?, args = ?, kwargs = ?,
ensure_sha256 = IF(definition_sha256 = ?, ensure_sha256, NULL), definition_sha256 = ?,
enabled = ?, last_run_at = ?, next_run_at = ?, updated_at = ?, description = ?,
max_retries = ?, retry_delay_us = ?, priority = ?, misfire_policy = ?, max_catch_up = ?,
misfire_grace_us = ?, overlap_policy = ?, jitter_us = ?,
paused_at = IF(enabled, NULL, paused_at), pause_reason = IF(enabled, '', pause_reason),
version = version + 1
WHERE id = ?`,
		v.TaskName, v.ScheduleType, v.Schedule, v.Args, v.Kwargs, v.Fingerprint, v.Fingerprint, v.Enabled,
		nullTime(v.LastRunAt), nullTime(v.NextRunAt), v.UpdatedAt, v.Description, v.MaxRetries,
		v.RetryDelayUS, v.Priority, v.MisfirePolicy, v.MaxCatchUp, v.MisfireGraceUS, v.OverlapPolicy,
		v.JitterUS, v.ID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (m *mysqlBaseline) updateRunTimes(ctx context.Context, id string, lastRun, nextRun, now time.Time) (int64, error) {
	res, err := m.db.ExecContext(ctx, `UPDATE scheduled_tasks SET last_run_at = ?, next_run_at = ?,
updated_at = ?, version = version + 1 WHERE id = ?`, lastRun, nextRun, now, id)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (m *mysqlBaseline) listDue(ctx context.Context, now time.Time) ([]mysqlRow, error) {
	rows, err := m.db.QueryContext(ctx, `SELECT `+mysqlColumns+` FROM scheduled_tasks
WHERE enabled = TRUE AND next_run_at <= ? ORDER BY priority DESC, next_run_at, id`, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mysqlRow
	for rows.Next() {
		var r mysqlRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (m *mysqlBaseline) findByDefinition(ctx context.Context, fingerprint, name, typ, schedule string) (mysqlRow, error) {
	var r mysqlRow
	err := m.db.QueryRowContext(ctx, `SELECT `+mysqlColumns+` FROM scheduled_tasks
WHERE definition_sha256 = ? AND task_name = ? AND schedule_type = ? AND schedule = ?
ORDER BY created_at, id LIMIT 1`, fingerprint, name, typ, schedule).Scan(r.dest()...)
	return r, err
}

// mysqlDigits is 0..9: k cross-joined copies count to 10^k without a
// recursive CTE (MySQL stops those at cte_max_recursion_depth, 1000).
const mysqlDigits = `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8
UNION ALL SELECT 9)`

// seed inserts rows tasks in one statement; see dueAt for the due ones.
// The fingerprints are unique fake ones: nothing looks these rows up by
// definition, and Update writes the real one.
func (m *mysqlBaseline) seed(ctx context.Context, rows, dueEvery int) error {
	n, from := "1", ""
	for k, scale := 0, 1; scale < rows; k, scale = k+1, scale*10 {
		d := "d" + strconv.Itoa(k)
		n += " + " + strconv.Itoa(scale) + " * " + d + ".d"
		if from != "" {
			from += " CROSS JOIN "
		}
		from += mysqlDigits + " AS " + d
	}
	_, err := m.db.ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, last_run_at, next_run_at, created_at, updated_at,
description, max_retries, retry_delay_us, priority)
SELECT CONCAT('t', LPAD(n, 6, '0')), CONCAT('task-', n), 'cron', ?, ?, ?,
       SHA2(CONCAT('seed-', n), 256), TRUE, NULL,
       IF(n % ? = 0, t0 - INTERVAL n SECOND, t0 + INTERVAL n SECOND),
       t0 - INTERVAL 1 DAY, t0 - INTERVAL 1 DAY, ?, ?, ?, n % 5
FROM (SELECT `+n+` AS n, CAST(? AS DATETIME(6)) AS t0 FROM `+from+`) AS seq
WHERE n <= ?`,
		seedSchedule, seedArgs, seedKwargs, dueEvery, seedDescription, seedMaxRetries,
		seedRetryDelay.Microseconds(), dueAt, rows)
	return err
}

func (m *mysqlBaseline) analyze(ctx context.Context) error {
	rows, err := m.db.QueryContext(ctx, `ANALYZE TABLE scheduled_tasks`)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	return rows.Close()
}

func (m *mysqlBaseline) deleteCreated(ctx context.Context) (int64, error) {
	res, err := m.db.ExecContext(ctx, `DELETE FROM scheduled_tasks WHERE task_name = ?`, createdName)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (m *mysqlBaseline) toRow(r mysqlRow) taskrow.Row {
	ptr := func(t sql.NullTime) *time.Time {
		if !t.Valid {
			return nil
		}
		return &t.Time
	}
	return taskrow.Row{
		ID: string(r.ID), TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: ptr(r.LastRunAt), NextRunAt: ptr(r.NextRunAt), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUS,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: r.LeaseOwner.String,
		Attempts: r.Attempts, FirstAttemptAt: ptr(r.FirstAttemptAt),
		MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp, MisfireGraceUS: r.MisfireGraceUS,
		OverlapPolicy: r.OverlapPolicy, JitterUS: r.JitterUS, PausedAt: ptr(r.PausedAt), PauseReason: r.PauseReason,
		AttemptFor: ptr(r.AttemptFor), AttemptKind: r.AttemptKind.String,
	}
}

func (m *mysqlBaseline) readColumns() string { return mysqlColumns }

func (m *mysqlBaseline) starColumns(ctx context.Context) ([]string, error) {
	rows, err := m.db.QueryContext(ctx, `SELECT * FROM scheduled_tasks LIMIT 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}
