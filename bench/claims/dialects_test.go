package claims

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	drivermysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// handle is one open database: the schedstore adapter, and hand-written
// SQL on the adapter's own pool or handle (same driver, same connection
// settings) for the baseline, the harness's probe, seeding and checks.
type handle interface {
	store() schedstore.Store
	// claimable reports, with a plain read that takes no locks, whether
	// an enabled task is due and not under a live lease: what ClaimDue
	// could still take, if no one held it locked.
	claimable(ctx context.Context) (bool, error)
	// baselineClaim runs the bare locking statement once: take up to limit
	// due rows, skipping locked ones, and clear their next run. It returns
	// how many rows it took.
	baselineClaim(ctx context.Context, limit int) (int, error)
	// exec runs a statement of the harness's own (extra indexes, ANALYZE).
	exec(ctx context.Context, stmt string) error
	// seed inserts the backlog, then refreshes the planner's statistics:
	// the claim's plan is the one a table of that size gets.
	seed(ctx context.Context, rows []seedRow) error
	// check counts what a run left behind.
	check(ctx context.Context) (tally, error)
	// serverCounters reads the server's lock counters, where it has any
	// worth reading (nil otherwise).
	serverCounters(ctx context.Context) (map[string]int64, error)
	close()
}

// openHandle opens url's adapter (adapter.Dialect picks it, as adapter.Open
// does), migrating unless the URL says schedstore_migrate=false.
func openHandle(ctx context.Context, url string) (handle, error) {
	switch adapter.Dialect(url) {
	case "postgres":
		b, err := postgres.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		return pgHandle{b}, nil
	case "mysql":
		b, err := mysql.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		return myHandle{b}, nil
	case "sqlite":
		b, err := sqlite.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		return liteHandle{b}, nil
	}
	return nil, fmt.Errorf("no dialect for %q", url)
}

// seedRow is one task of the backlog: a one-time task, due once, at Due.
type seedRow struct {
	ID, Schedule, Args, Kwargs, Fingerprint string
	Due, Created                            time.Time
}

// seedBase is long past, so every task is due whatever the clock says.
var seedBase = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// backlogRows makes n one-time tasks due a second apart, with the
// definition fingerprint Create would store, so the rows are exactly what
// the adapters write and read.
func backlogRows(n int) ([]seedRow, error) {
	rows := make([]seedRow, n)
	for i := range rows {
		id := fmt.Sprintf("claim-%06d", i)
		due := seedBase.Add(time.Duration(i) * time.Second)
		sched := due.Format(time.RFC3339Nano)
		def, err := taskrow.NewDefinition(id, schedstore.ScheduleOneTime, sched, nil, nil)
		if err != nil {
			return nil, err
		}
		rows[i] = seedRow{ID: id, Schedule: sched, Args: def.Args, Kwargs: def.Kwargs,
			Fingerprint: def.Fingerprint, Due: due, Created: seedBase.Add(-24 * time.Hour)}
	}
	return rows, nil
}

// tally is what check counts.
type tally struct {
	Fires         int64            // ledger rows
	DistinctTasks int64            // distinct task IDs in the ledger
	AtOccurrence  int64            // ledger rows whose occurrence is the task's last run
	StillDue      int64            // tasks with a next run
	Unfinished    int64            // tasks still enabled or leased
	ByOwner       map[string]int64 // ledger rows per owner
}

// scanByOwner reads (owner, count) rows.
func scanByOwner(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) (map[string]int64, error) {
	m := map[string]int64{}
	for rows.Next() {
		var owner string
		var n int64
		if err := rows.Scan(&owner, &n); err != nil {
			return nil, err
		}
		m[owner] = n
	}
	return m, rows.Err()
}

// ---- PostgreSQL

type pgHandle struct{ b *postgres.Store }

func (h pgHandle) store() schedstore.Store { return h.b }
func (h pgHandle) close()                  { h.b.Close() }

func (h pgHandle) claimable(ctx context.Context) (bool, error) {
	var ok bool
	err := h.b.DB().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM scheduled_tasks
WHERE enabled AND next_run_at <= now() AND (lease_until IS NULL OR lease_until <= now()))`).Scan(&ok)
	return ok, err
}

// pgBaselineClaim is ClaimDueTasks' pick (same WHERE, ORDER BY, LIMIT and
// SKIP LOCKED) with the least possible write. now() is the statement's
// start in autocommit: the database clock, as ours uses, without the
// extra round trip.
const pgBaselineClaim = `UPDATE scheduled_tasks SET next_run_at = NULL
WHERE id IN (
    SELECT id FROM scheduled_tasks
    WHERE enabled AND next_run_at <= now() AND (lease_until IS NULL OR lease_until <= now())
    ORDER BY priority DESC, next_run_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED)`

func (h pgHandle) baselineClaim(ctx context.Context, limit int) (int, error) {
	tag, err := h.b.DB().Exec(ctx, pgBaselineClaim, limit)
	return int(tag.RowsAffected()), err
}

func (h pgHandle) exec(ctx context.Context, stmt string) error {
	_, err := h.b.DB().Exec(ctx, stmt)
	return err
}

func (h pgHandle) seed(ctx context.Context, rows []seedRow) error {
	src := make([][]any, len(rows))
	for i, r := range rows {
		src[i] = []any{r.ID, r.ID, "one_time", r.Schedule, r.Args, r.Kwargs, r.Fingerprint, true,
			r.Due, r.Created, r.Created}
	}
	_, err := h.b.DB().CopyFrom(ctx, pgx.Identifier{"scheduled_tasks"},
		[]string{"id", "task_name", "schedule_type", "schedule", "args", "kwargs", "definition_sha256",
			"enabled", "next_run_at", "created_at", "updated_at"},
		pgx.CopyFromRows(src))
	if err != nil {
		return err
	}
	// VACUUM too: a fresh table's visibility map is empty, and autovacuum
	// arriving in the middle of a run would be noise.
	return h.exec(ctx, `VACUUM ANALYZE scheduled_tasks`)
}

func (h pgHandle) check(ctx context.Context) (tally, error) {
	var t tally
	err := h.b.DB().QueryRow(ctx, `SELECT
    (SELECT count(*) FROM scheduled_task_fires),
    (SELECT count(DISTINCT task_id) FROM scheduled_task_fires),
    (SELECT count(*) FROM scheduled_task_fires AS f
        JOIN scheduled_tasks AS t ON t.id = f.task_id AND t.last_run_at = f.scheduled_for),
    (SELECT count(*) FROM scheduled_tasks WHERE next_run_at IS NOT NULL),
    (SELECT count(*) FROM scheduled_tasks WHERE enabled OR lease_owner IS NOT NULL)`).
		Scan(&t.Fires, &t.DistinctTasks, &t.AtOccurrence, &t.StillDue, &t.Unfinished)
	if err != nil {
		return t, err
	}
	rows, err := h.b.DB().Query(ctx, `SELECT owner, count(*) FROM scheduled_task_fires GROUP BY owner`)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	t.ByOwner, err = scanByOwner(rows)
	return t, err
}

func (pgHandle) serverCounters(context.Context) (map[string]int64, error) { return nil, nil }

// ---- MySQL / MariaDB

type myHandle struct{ b *mysql.Store }

func (h myHandle) store() schedstore.Store { return h.b }
func (h myHandle) close()                  { h.b.Close() }

// myDue is SelectDueForClaim's WHERE with the database clock inline.
const myDue = `enabled = TRUE AND next_run_at <= NOW(6) AND (lease_until IS NULL OR lease_until <= NOW(6))`

func (h myHandle) claimable(ctx context.Context) (bool, error) {
	var ok bool
	err := h.b.DB().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM scheduled_tasks WHERE `+myDue+`)`).Scan(&ok)
	return ok, err
}

// baselineClaim is the shortest transaction MySQL allows for the same
// pick, since it has no UPDATE ... RETURNING and no LIMIT in an IN
// subquery: lock the ids (same WHERE, ORDER BY, LIMIT, SKIP LOCKED as
// SelectDueForClaim, but only the id column), clear their next run, commit.
// ClaimDue adds a clock read and all 21 columns.
func (h myHandle) baselineClaim(ctx context.Context, limit int) (int, error) {
	tx, err := h.b.DB().BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() // a no-op after Commit
	rows, err := tx.QueryContext(ctx, `SELECT id FROM scheduled_tasks WHERE `+myDue+`
ORDER BY priority DESC, next_run_at, id LIMIT ? FOR UPDATE SKIP LOCKED`, limit)
	if err != nil {
		return 0, err
	}
	var ids []any
	for rows.Next() {
		var id []byte
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if len(ids) > 0 {
		res, err := tx.ExecContext(ctx, `UPDATE scheduled_tasks SET next_run_at = NULL WHERE id IN (?`+
			strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(ids)) {
			return 0, fmt.Errorf("updated %d of %d locked rows (%v)", n, len(ids), err)
		}
	}
	return len(ids), tx.Commit()
}

func (h myHandle) exec(ctx context.Context, stmt string) error {
	// Query, not Exec: ANALYZE TABLE returns a result set.
	rows, err := h.b.DB().QueryContext(ctx, stmt)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	return rows.Close()
}

func (h myHandle) seed(ctx context.Context, rows []seedRow) error {
	const batch = 500 // well inside max_allowed_packet
	for len(rows) > 0 {
		part := rows[:min(batch, len(rows))]
		rows = rows[len(part):]
		args := make([]any, 0, 10*len(part))
		for _, r := range part {
			args = append(args, r.ID, r.ID, "one_time", r.Schedule, r.Args, r.Kwargs, r.Fingerprint,
				r.Due, r.Created, r.Created)
		}
		const row = "(?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?, '')"
		_, err := h.b.DB().ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type,
schedule, args, kwargs, definition_sha256, enabled, next_run_at, created_at, updated_at, description)
VALUES `+row+strings.Repeat(", "+row, len(part)-1), args...)
		if err != nil {
			return err
		}
	}
	return h.exec(ctx, `ANALYZE TABLE scheduled_tasks`)
}

func (h myHandle) check(ctx context.Context) (tally, error) {
	var t tally
	db := h.b.DB()
	err := db.QueryRowContext(ctx, `SELECT
    (SELECT count(*) FROM scheduled_task_fires),
    (SELECT count(DISTINCT task_id) FROM scheduled_task_fires),
    (SELECT count(*) FROM scheduled_task_fires AS f
        JOIN scheduled_tasks AS t ON t.id = f.task_id AND t.last_run_at = f.scheduled_for),
    (SELECT count(*) FROM scheduled_tasks WHERE next_run_at IS NOT NULL),
    (SELECT count(*) FROM scheduled_tasks WHERE enabled = TRUE OR lease_owner IS NOT NULL)`).
		Scan(&t.Fires, &t.DistinctTasks, &t.AtOccurrence, &t.StillDue, &t.Unfinished)
	if err != nil {
		return t, err
	}
	rows, err := db.QueryContext(ctx, `SELECT owner, count(*) FROM scheduled_task_fires GROUP BY owner`)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	t.ByOwner, err = scanByOwner(rows)
	return t, err
}

// serverCounters reads InnoDB's row lock waits (count and total ms) and
// deadlocks. They are server-wide: other databases on the server add to
// them too.
func (h myHandle) serverCounters(ctx context.Context) (map[string]int64, error) {
	rows, err := h.b.DB().QueryContext(ctx, `SHOW GLOBAL STATUS WHERE Variable_name IN
('Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		m[name] = n
	}
	return m, rows.Err()
}

// isDeadlock reports InnoDB's deadlock error (1213).
func isDeadlock(err error) bool {
	var myErr *drivermysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == 1213
}

// ---- SQLite

type liteHandle struct{ b *sqlite.Store }

func (h liteHandle) store() schedstore.Store { return h.b }
func (h liteHandle) close()                  { h.b.Close() }

// liteDue is ClaimDueTasks' WHERE; ?1 is now in Unix microseconds (SQLite
// runs in-process: its clock is the caller's).
const liteDue = `enabled = 1 AND next_run_at_us <= ?1 AND (lease_until_us IS NULL OR lease_until_us <= ?1)`

func (h liteHandle) claimable(ctx context.Context) (bool, error) {
	var ok bool
	err := h.b.DB().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM scheduled_tasks WHERE `+liteDue+`)`,
		time.Now().UnixMicro()).Scan(&ok)
	return ok, err
}

// baselineClaim is ClaimDueTasks with the least possible write: one
// autocommit UPDATE, serialized by SQLite's single writer lock.
func (h liteHandle) baselineClaim(ctx context.Context, limit int) (int, error) {
	res, err := h.b.DB().ExecContext(ctx, `UPDATE scheduled_tasks SET next_run_at_us = NULL
WHERE id IN (
    SELECT id FROM scheduled_tasks WHERE `+liteDue+`
    ORDER BY priority DESC, next_run_at_us, id
    LIMIT ?2)`, time.Now().UnixMicro(), limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (h liteHandle) exec(ctx context.Context, stmt string) error {
	_, err := h.b.DB().ExecContext(ctx, stmt)
	return err
}

func (h liteHandle) seed(ctx context.Context, rows []seedRow) error {
	tx, err := h.b.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	ins, err := tx.PrepareContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, next_run_at_us, created_at_us, updated_at_us)
VALUES (?1, ?1, 'one_time', ?2, ?3, ?4, ?5, 1, ?6, ?7, ?7)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, r := range rows {
		if _, err := ins.ExecContext(ctx, r.ID, r.Schedule, r.Args, r.Kwargs, r.Fingerprint,
			r.Due.UnixMicro(), r.Created.UnixMicro()); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return h.exec(ctx, `ANALYZE`)
}

func (h liteHandle) check(ctx context.Context) (tally, error) {
	var t tally
	db := h.b.DB()
	err := db.QueryRowContext(ctx, `SELECT
    (SELECT count(*) FROM scheduled_task_fires),
    (SELECT count(DISTINCT task_id) FROM scheduled_task_fires),
    (SELECT count(*) FROM scheduled_task_fires AS f
        JOIN scheduled_tasks AS t ON t.id = f.task_id AND t.last_run_at_us = f.scheduled_for_us),
    (SELECT count(*) FROM scheduled_tasks WHERE next_run_at_us IS NOT NULL),
    (SELECT count(*) FROM scheduled_tasks WHERE enabled = 1 OR lease_owner IS NOT NULL)`).
		Scan(&t.Fires, &t.DistinctTasks, &t.AtOccurrence, &t.StillDue, &t.Unfinished)
	if err != nil {
		return t, err
	}
	rows, err := db.QueryContext(ctx, `SELECT owner, count(*) FROM scheduled_task_fires GROUP BY owner`)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	t.ByOwner, err = scanByOwner(rows)
	return t, err
}

func (liteHandle) serverCounters(context.Context) (map[string]int64, error) { return nil, nil }
