package bench

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// openSQLite opens schedstore on a fresh database file (WAL, synchronous
// FULL: the adapter's settings) and a baseline on the same *sql.DB, so on
// the same single connection.
func openSQLite(tb testing.TB) (*sqlite.Store, *sqliteBaseline) {
	tb.Helper()
	ours, err := sqlite.Open(context.Background(), testdb.SQLite(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ours.Close() })
	base := &sqliteBaseline{db: ours.DB()}
	// Prepared now, like ours (when the Store was made): before the seed
	// and its ANALYZE. A statement prepared after ANALYZE gets a plan that
	// depends on its bound values (STAT4) and is compiled again each time
	// they are bound, which a statement prepared before it is not.
	for _, query := range []string{sqliteCreate, sqliteGet, sqliteUpdate, sqliteUpdateRunTimes, sqliteListDue, sqliteFind} {
		if _, err := base.prep(context.Background(), query); err != nil {
			tb.Fatal(err)
		}
	}
	return ours, base
}

// sqliteRow is one row as a hand-written layer scans it: JSON stays text,
// times stay Unix microseconds. Every column of the table, in its order:
// what schedstore's reads return.
type sqliteRow struct {
	ID, TaskName, ScheduleType, Schedule string
	Args, Kwargs, Fingerprint            string
	Enabled                              bool
	LastRunAtUS, NextRunAtUS             *int64
	CreatedAtUS, UpdatedAtUS             int64
	Description                          string
	MaxRetries                           int32
	RetryDelayUS                         int64
	Priority                             int32
	Version                              int64
	EnsureSHA256, LeaseOwner             *string
	LeaseUntilUS                         *int64
	LeaseToken                           int64
	// The attempt count a claim keeps (migration 000003).
	AttemptForUS     *int64
	Attempts         int32
	FirstAttemptAtUS *int64
	// The task's policies and pause (migration 000005).
	MisfirePolicy  string
	MaxCatchUp     int32
	MisfireGraceUS int64
	OverlapPolicy  string
	JitterUS       int64
	PausedAtUS     *int64
	PauseReason    string
	// The kind of the occurrence attempt_for_us names (migration 000006).
	AttemptKind *string
}

func (r *sqliteRow) dest() []any {
	return []any{&r.ID, &r.TaskName, &r.ScheduleType, &r.Schedule, &r.Args, &r.Kwargs, &r.Fingerprint,
		&r.Enabled, &r.LastRunAtUS, &r.NextRunAtUS, &r.CreatedAtUS, &r.UpdatedAtUS, &r.Description,
		&r.MaxRetries, &r.RetryDelayUS, &r.Priority, &r.Version, &r.EnsureSHA256, &r.LeaseOwner,
		&r.LeaseUntilUS, &r.LeaseToken, &r.AttemptForUS, &r.Attempts, &r.FirstAttemptAtUS,
		&r.MisfirePolicy, &r.MaxCatchUp, &r.MisfireGraceUS, &r.OverlapPolicy, &r.JitterUS, &r.PausedAtUS,
		&r.PauseReason, &r.AttemptKind}
}

// sqliteColumns are the 32 columns schedstore's reads return (see pgColumns).
const sqliteColumns = `id, task_name, schedule_type, schedule, args, kwargs, definition_sha256, enabled,
last_run_at_us, next_run_at_us, created_at_us, updated_at_us, description, max_retries, retry_delay_us,
priority, version, ensure_sha256, lease_owner, lease_until_us, lease_token,
attempt_for_us, attempts, first_attempt_at_us,
misfire_policy, max_catch_up, misfire_grace_us, overlap_policy, jitter_us, paused_at_us, pause_reason,
attempt_kind`

// The timed statements of the baseline.
const (
	sqliteCreate = `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, last_run_at_us, next_run_at_us, created_at_us, updated_at_us,
description, max_retries, retry_delay_us, priority, misfire_policy, max_catch_up, misfire_grace_us,
overlap_policy, jitter_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)`
	sqliteGet    = `SELECT ` + sqliteColumns + ` FROM scheduled_tasks WHERE id = ?1`
	sqliteUpdate = `UPDATE scheduled_tasks SET task_name = ?2, schedule_type = ?3,
schedule = ?4, args = ?5, kwargs = ?6,
ensure_sha256 = CASE WHEN definition_sha256 = ?7 THEN ensure_sha256 END, definition_sha256 = ?7,
enabled = ?8, last_run_at_us = ?9, next_run_at_us = ?10, updated_at_us = ?11, description = ?12,
max_retries = ?13, retry_delay_us = ?14, priority = ?15, misfire_policy = ?16, max_catch_up = ?17,
misfire_grace_us = ?18, overlap_policy = ?19, jitter_us = ?20,
paused_at_us = CASE WHEN ?8 = 1 THEN NULL ELSE paused_at_us END,
pause_reason = CASE WHEN ?8 = 1 THEN '' ELSE pause_reason END, version = version + 1
WHERE id = ?1`
	sqliteUpdateRunTimes = `UPDATE scheduled_tasks SET last_run_at_us = ?2, next_run_at_us = ?3,
updated_at_us = ?4, version = version + 1 WHERE id = ?1`
	// "enabled = 1" literally, as in schedstore's query, for the partial index.
	sqliteListDue = `SELECT ` + sqliteColumns + ` FROM scheduled_tasks
WHERE enabled = 1 AND next_run_at_us <= ?1 ORDER BY priority DESC, next_run_at_us, id`
	sqliteFind = `SELECT ` + sqliteColumns + ` FROM scheduled_tasks
WHERE definition_sha256 = ?1 AND task_name = ?2 AND schedule_type = ?3 AND schedule = ?4
ORDER BY created_at_us, id LIMIT 1`
)

// sqliteBaseline prepares each of its statements once and keeps it, as
// schedstore's SQLite adapter does (SQLite compiling a statement costs
// about what running a point query does).
type sqliteBaseline struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (s *sqliteBaseline) prep(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

func (s *sqliteBaseline) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.prep(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *sqliteBaseline) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prep(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *sqliteBaseline) queryRow(ctx context.Context, dest []any, query string, args ...any) error {
	st, err := s.prep(ctx, query)
	if err != nil {
		return err
	}
	return st.QueryRowContext(ctx, args...).Scan(dest...)
}

var _ baseline[sqliteRow] = (*sqliteBaseline)(nil)

func micros(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	us := t.UnixMicro()
	return &us
}

func (s *sqliteBaseline) create(ctx context.Context, v *rowValues) error {
	_, err := s.exec(ctx, sqliteCreate,
		v.ID, v.TaskName, v.ScheduleType, v.Schedule, v.Args, v.Kwargs, v.Fingerprint, v.Enabled,
		micros(v.LastRunAt), micros(v.NextRunAt), v.CreatedAt.UnixMicro(), v.UpdatedAt.UnixMicro(),
		v.Description, v.MaxRetries, v.RetryDelayUS, v.Priority, v.MisfirePolicy, v.MaxCatchUp,
		v.MisfireGraceUS, v.OverlapPolicy, v.JitterUS)
	return err
}

func (s *sqliteBaseline) get(ctx context.Context, id string) (sqliteRow, error) {
	var r sqliteRow
	err := s.queryRow(ctx, r.dest(), sqliteGet, id)
	return r, err
}

func (s *sqliteBaseline) update(ctx context.Context, v *rowValues) (int64, error) {
	res, err := s.exec(ctx, sqliteUpdate,
		v.ID, v.TaskName, v.ScheduleType, v.Schedule, v.Args, v.Kwargs, v.Fingerprint, v.Enabled,
		micros(v.LastRunAt), micros(v.NextRunAt), v.UpdatedAt.UnixMicro(), v.Description, v.MaxRetries,
		v.RetryDelayUS, v.Priority, v.MisfirePolicy, v.MaxCatchUp, v.MisfireGraceUS, v.OverlapPolicy,
		v.JitterUS)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *sqliteBaseline) updateRunTimes(ctx context.Context, id string, lastRun, nextRun, now time.Time) (int64, error) {
	res, err := s.exec(ctx, sqliteUpdateRunTimes,
		id, lastRun.UnixMicro(), nextRun.UnixMicro(), now.UnixMicro())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *sqliteBaseline) listDue(ctx context.Context, now time.Time) ([]sqliteRow, error) {
	rows, err := s.query(ctx, sqliteListDue, now.UnixMicro())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sqliteRow
	for rows.Next() {
		var r sqliteRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *sqliteBaseline) findByDefinition(ctx context.Context, fingerprint, name, typ, schedule string) (sqliteRow, error) {
	var r sqliteRow
	err := s.queryRow(ctx, r.dest(), sqliteFind, fingerprint, name, typ, schedule)
	return r, err
}

// seed inserts rows tasks in one statement; see dueAt for the due ones.
// The fingerprints are unique fake ones (the row number in hex): nothing
// looks these rows up by definition, and Update writes the real one.
func (s *sqliteBaseline) seed(ctx context.Context, rows, dueEvery int) error {
	_, err := s.db.ExecContext(ctx, `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?2)
INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, args, kwargs, definition_sha256,
enabled, last_run_at_us, next_run_at_us, created_at_us, updated_at_us, description, max_retries,
retry_delay_us, priority)
SELECT printf('t%06d', n), 'task-' || n, 'cron', ?4, ?5, ?6, printf('%064x', n), 1, NULL,
       CASE WHEN n % ?3 = 0 THEN ?1 - n * 1000000 ELSE ?1 + n * 1000000 END,
       ?1 - 86400000000, ?1 - 86400000000, ?7, ?8, ?9, n % 5
FROM seq`,
		dueAt.UnixMicro(), rows, dueEvery, seedSchedule, seedArgs, seedKwargs, seedDescription,
		seedMaxRetries, seedRetryDelay.Microseconds())
	return err
}

func (s *sqliteBaseline) analyze(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `ANALYZE`)
	return err
}

func (s *sqliteBaseline) deleteCreated(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM scheduled_tasks WHERE task_name = ?1`, createdName)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *sqliteBaseline) toRow(r sqliteRow) taskrow.Row {
	return taskrow.Row{
		ID: r.ID, TaskName: r.TaskName, ScheduleType: r.ScheduleType, Schedule: r.Schedule,
		Args: r.Args, Kwargs: r.Kwargs, Fingerprint: r.Fingerprint, Enabled: r.Enabled,
		LastRunAt: taskrow.FromMicrosPtr(r.LastRunAtUS), NextRunAt: taskrow.FromMicrosPtr(r.NextRunAtUS),
		CreatedAt: taskrow.FromMicros(r.CreatedAtUS), UpdatedAt: taskrow.FromMicros(r.UpdatedAtUS),
		Description: r.Description, MaxRetries: r.MaxRetries, RetryDelayUS: r.RetryDelayUS,
		Priority: r.Priority, Version: r.Version, LeaseToken: r.LeaseToken, LeaseOwner: taskrow.Deref(r.LeaseOwner),
		Attempts: r.Attempts, FirstAttemptAt: taskrow.FromMicrosPtr(r.FirstAttemptAtUS),
		MisfirePolicy: r.MisfirePolicy, MaxCatchUp: r.MaxCatchUp, MisfireGraceUS: r.MisfireGraceUS,
		OverlapPolicy: r.OverlapPolicy, JitterUS: r.JitterUS, PausedAt: taskrow.FromMicrosPtr(r.PausedAtUS),
		PauseReason: r.PauseReason,
		AttemptFor:  taskrow.FromMicrosPtr(r.AttemptForUS), AttemptKind: taskrow.Deref(r.AttemptKind),
	}
}

func (s *sqliteBaseline) readColumns() string { return sqliteColumns }

func (s *sqliteBaseline) starColumns(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM scheduled_tasks LIMIT 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}
