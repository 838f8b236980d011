package mysql_test

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore/runner"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/sqlcquery"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// The queries behind ListDue and FindByDefinition use their indexes on a
// table large enough for the optimizer to prefer them. The SQL is the
// generated text itself, so the plan is the one the adapter gets.
func TestExplain(t *testing.T) {
	b := openStore(t, testdb.MySQL(t))
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	const total, due = 3000, 300
	seed(t, b, total, func(i int) *schedstore.Task {
		task := schedstore.NewCron(fmt.Sprintf("job-%04d", i), "@hourly")
		switch {
		case i < due:
			task.NextRunAt = ptr(now.Add(-time.Duration(i+1) * time.Minute))
		case i%10 == 0:
			task.Enabled = false
			task.NextRunAt = ptr(now.Add(-time.Hour))
		case i%7 == 0:
			task.NextRunAt = nil
		default:
			task.NextRunAt = ptr(now.Add(time.Duration(i) * time.Minute))
		}
		return task
	})
	db := b.DB()
	if _, err := db.ExecContext(t.Context(), "ANALYZE TABLE scheduled_tasks"); err != nil {
		t.Fatal(err)
	}

	def, err := taskrow.NewDefinition("job-1234", schedstore.ScheduleCron, "@hourly", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query, key, typ string
		args            []any
	}{
		{"ListDueTasks", "scheduled_tasks_due_idx", "range", []any{now}},
		{"FindTaskByDefinition", "scheduled_tasks_definition_idx", "ref",
			[]any{def.Fingerprint, "job-1234", "cron", "@hourly"}},
		{"NextDue", "scheduled_tasks_due_idx", "range", nil},
		{"ListTasksPage", "scheduled_tasks_created_idx", "range", []any{now, now, []byte("task-42"), 100}},
	} {
		text, err := sqlcquery.Text("mysql", tc.query)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, db, text, tc.args...)
		for _, row := range plan {
			t.Logf("%s: %v", tc.query, row)
		}
		if len(plan) != 1 || plan[0]["key"] != tc.key || plan[0]["type"] != tc.typ ||
			tc.query == "ListTasksPage" && strings.Contains(plan[0]["extra"], "filesort") {
			t.Errorf("%s: want one step with key %s and type %s, got %v", tc.query, tc.key, tc.typ, plan)
		}
	}
}

// seed creates n tasks from newTask, a few writers at a time.
func seed(t *testing.T, b schedstore.Backend, n int, newTask func(i int) *schedstore.Task) {
	t.Helper()
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := w; i < n; i += writers {
				if err := b.Create(t.Context(), newTask(i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("seed: %v", err)
	}
}

// explain returns EXPLAIN's rows as column name -> value, whatever columns
// the server's version reports.
func explain(t *testing.T, db *sql.DB, query string, args ...any) []map[string]string {
	t.Helper()
	// The query text starts with sqlc's "-- name:" line; the comment ends
	// at its newline, so EXPLAIN still sees the SELECT.
	rows, err := db.QueryContext(t.Context(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var plan []map[string]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make(map[string]string, len(cols))
		for i, c := range cols {
			row[strings.ToLower(c)] = vals[i].String
		}
		plan = append(plan, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

func ptr[T any](v T) *T { return &v }

// digits is a ten-row table for generating rows by crossing it with itself.
const digits = `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)`

// TestExplainClaimBacklog proves ClaimDue is index-bound whatever the
// backlog (issue 11): on 100,000 tasks over five priorities, with 100 due
// and then with 10,090 due, ClaimPriorities is a loose index scan, and so
// are ClaimClock and ClaimClockAt (the same scan with the clock, the look
// at the queue and the look for a due task as constant columns: the one
// statement before the claim), and SelectDueForClaim is one range of
// scheduled_tasks_claim_idx per priority,
// read in the ORDER BY's order (no filesort). Then, what that means for
// locks: claimer A keeps its claim transaction open, and its InnoDB row
// locks (INNODB_TRX.trx_rows_locked) stay near its batch instead of every
// due row; claimer B meanwhile gets a full batch of its own.
func TestExplainClaimBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 100,000 rows")
	}
	ctx := t.Context()
	b := openStore(t, testdb.MySQL(t))
	db := b.DB()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	limit := runner.DefaultClaimLimit
	// Task n is due (n seconds before now) for n <= 100, else n seconds
	// after; priority n % 5, so the due tasks spread over every priority.
	if _, err := db.ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, next_run_at, created_at, updated_at, description, priority)
SELECT CONCAT('t', LPAD(n, 7, '0')), CONCAT('job-', n), 'interval', '60', '[]', '{}', LPAD(HEX(n), 64, '0'), TRUE,
       IF(n <= 100, t0 - INTERVAL n SECOND, t0 + INTERVAL n SECOND), t0, t0, '', n % 5
FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n, CAST(? AS DATETIME(6)) AS t0
      FROM `+digits+` a CROSS JOIN `+digits+` b CROSS JOIN `+digits+` c CROSS JOIN `+digits+` e
      CROSS JOIN `+digits+` f) AS seq`, now); err != nil {
		t.Fatal(err)
	}
	prioText, err := sqlcquery.Text("mysql", "ClaimPriorities")
	if err != nil {
		t.Fatal(err)
	}
	clockText, err := sqlcquery.Text("mysql", "ClaimClock")
	if err != nil {
		t.Fatal(err)
	}
	clockAtText, err := sqlcquery.Text("mysql", "ClaimClockAt")
	if err != nil {
		t.Fatal(err)
	}
	claimText, err := sqlcquery.Text("mysql", "SelectDueForClaim")
	if err != nil {
		t.Fatal(err)
	}
	// The adapter expands the slice to one placeholder per priority.
	claimText = strings.Replace(claimText, "/*SLICE:priorities*/?", "?,?,?,?,?", 1)
	claimArgs := []any{4, 3, 2, 1, 0, now, now, limit}
	for _, step := range []struct {
		name, setup string
		due         int
	}{
		{"usual, 100 due", "", 100},
		// Every task whose tens digit is 0: a tenth of them, all priorities.
		{"backlog, 10,090 due", `UPDATE scheduled_tasks SET next_run_at = next_run_at - INTERVAL 1000000 SECOND
			WHERE SUBSTRING(id, 7, 1) = '0' AND next_run_at > '2030-01-01'`, 10_090},
	} {
		if step.setup != "" {
			if _, err := db.ExecContext(ctx, step.setup); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ExecContext(ctx, "ANALYZE TABLE scheduled_tasks"); err != nil {
			t.Fatal(err)
		}
		due, err := b.ListDue(ctx, now)
		if err != nil || len(due) != step.due {
			t.Fatalf("%s: ListDue: %d, %v; want %d", step.name, len(due), err, step.due)
		}
		plan := explain(t, db, prioText)
		t.Logf("%s: ClaimPriorities: %v", step.name, plan)
		if len(plan) != 1 || plan[0]["key"] != "scheduled_tasks_priority_idx" ||
			!strings.Contains(plan[0]["extra"], "Using index for group-by") {
			t.Errorf("%s: ClaimPriorities: want a loose index scan of scheduled_tasks_priority_idx, got %v", step.name, plan)
		}
		for _, q := range []struct {
			name, text string
			args       []any
		}{{"ClaimClock", clockText, nil}, {"ClaimClockAt", clockAtText, []any{now, now, now}}} {
			plan := explain(t, db, q.text, q.args...)
			for _, row := range plan {
				t.Logf("%s: %s: %v", step.name, q.name, row)
			}
			if err := clockPlan(plan); err != nil {
				t.Errorf("%s: %s: %v", step.name, q.name, err)
			}
		}
		plan = explain(t, db, claimText, claimArgs...)
		t.Logf("%s: SelectDueForClaim: %v", step.name, plan)
		if len(plan) != 1 || plan[0]["key"] != "scheduled_tasks_claim_idx" || plan[0]["type"] != "range" ||
			strings.Contains(plan[0]["extra"], "filesort") {
			t.Errorf("%s: SelectDueForClaim: want a range of scheduled_tasks_claim_idx without filesort, got %v", step.name, plan)
		}

		// A claims and keeps its transaction open; B claims meanwhile.
		a, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var idA int64
		if err := a.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&idA); err != nil {
			t.Fatal(err)
		}
		txA, err := a.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		gotA := claimIDs(t, txA, claimText, claimArgs...)
		// INNODB_TRX is refreshed at most every 0.1 s.
		time.Sleep(200 * time.Millisecond)
		var locked int64
		if err := db.QueryRowContext(ctx,
			"SELECT trx_rows_locked FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?", idA).Scan(&locked); err != nil {
			t.Fatal(err)
		}
		txB, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		gotB := claimIDs(t, txB, claimText, claimArgs...)
		txB.Rollback()
		txA.Rollback()
		a.Close()
		t.Logf("%s: A got %d rows and locked %d; B got %d", step.name, len(gotA), locked, len(gotB))
		if len(gotA) != limit || len(gotB) != limit {
			t.Errorf("%s: A got %d rows, B %d; want %d each", step.name, len(gotA), len(gotB), limit)
		}
		for i, id := range gotA {
			if id != due[i].ID {
				t.Errorf("%s: A's row %d is %s; ListDue's order says %s", step.name, i, id, due[i].ID)
				break
			}
		}
		for _, id := range gotB {
			if contains(gotA, id) {
				t.Errorf("%s: A and B both got %s", step.name, id)
			}
		}
		// Index records and rows of the batch, and the next index record
		// of each range read (next-key locks under REPEATABLE READ).
		if max := int64(2*limit + 10); locked > max {
			t.Errorf("%s: A locked %d rows for %d; want at most %d", step.name, locked, limit, max)
		}
	}
}

// clockPlan checks the plan of ClaimClock or ClaimClockAt: scheduled_tasks
// is read by a loose index scan of scheduled_tasks_priority_idx (no derived
// table, so no temporary table), and, once each (uncorrelated subqueries),
// by a range of scheduled_tasks_due_idx (is a task due?) and the queue of
// requests through an index (is a request due?).
func clockPlan(plan []map[string]string) error {
	var scan, due, requests []map[string]string
	for _, row := range plan {
		switch {
		case row["table"] == "scheduled_tasks":
			scan = append(scan, row)
		case row["table"] == "d":
			due = append(due, row)
		case row["table"] == "scheduled_task_requests":
			requests = append(requests, row)
		}
	}
	if len(scan) != 1 || scan[0]["key"] != "scheduled_tasks_priority_idx" ||
		!strings.Contains(scan[0]["extra"], "Using index for group-by") || strings.Contains(scan[0]["extra"], "temporary") {
		return fmt.Errorf("want scheduled_tasks read once, a loose index scan of scheduled_tasks_priority_idx; got %v", plan)
	}
	if len(due) != 1 || due[0]["key"] != "scheduled_tasks_due_idx" || due[0]["type"] != "range" || due[0]["select_type"] != "SUBQUERY" {
		return fmt.Errorf("want the due tasks looked at once, a range of scheduled_tasks_due_idx in an uncorrelated subquery; got %v", plan)
	}
	if len(requests) != 1 || requests[0]["key"] == "" || requests[0]["select_type"] != "SUBQUERY" {
		return fmt.Errorf("want scheduled_task_requests read once through an index, an uncorrelated subquery; got %v", plan)
	}
	if len(plan) != 3 {
		return fmt.Errorf("want three steps, no derived table; got %v", plan)
	}
	return nil
}

func claimIDs(t *testing.T, tx *sql.Tx, query string, args ...any) []string {
	t.Helper()
	rows, err := tx.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, string(vals[0])) // id is the first column
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
