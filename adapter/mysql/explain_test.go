package mysql_test

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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
	} {
		text, err := sqlcquery.Text("mysql", tc.query)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, db, text, tc.args...)
		for _, row := range plan {
			t.Logf("%s: %v", tc.query, row)
		}
		if len(plan) != 1 || plan[0]["key"] != tc.key || plan[0]["type"] != tc.typ {
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
