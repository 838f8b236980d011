package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/sqlite"
	"github.com/flowrra/schedstore/internal/sqlcquery"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// TestExplainUsesIndexes proves the indexes match the queries: on a table
// with thousands of rows (after ANALYZE, as a long-lived database would
// have), ListDue and ClaimDue search a range of scheduled_tasks_due_idx
// and FindByDefinition looks up scheduled_tasks_definition_idx; none scans
// the table.
func TestExplainUsesIndexes(t *testing.T) {
	ctx := t.Context()
	b := openStore(t, testdb.SQLite(t))
	now := time.Now().UTC()
	// Every 10th task is disabled; task i is due i-100 minutes from now, so
	// tasks 1..100 are due (90 of them enabled) and the due set is small.
	if _, err := b.DB().ExecContext(ctx, `
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 3000)
		INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, definition_sha256, enabled,
			next_run_at_us, created_at_us, updated_at_us, priority)
		SELECT 'task-' || i, 'job-' || i, 'interval', '60', printf('%064x', i), i % 10 <> 0,
			?1 + (i - 100) * 60000000, ?1, ?1, i % 5
		FROM seq`, taskrow.Micros(now)); err != nil {
		t.Fatal(err)
	}
	want := schedstore.NewInterval("job-7", time.Minute)
	if err := b.Create(ctx, want); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	def, err := taskrow.NewDefinition(want.TaskName, want.ScheduleType, want.Schedule, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		args  []any
		want  string
	}{
		{"ListDueTasks", []any{taskrow.Micros(now)},
			"SEARCH scheduled_tasks USING INDEX scheduled_tasks_due_idx (next_run_at_us<?)"},
		{"ClaimDueTasks", []any{"owner-1", taskrow.Micros(now.Add(time.Minute)), taskrow.Micros(now), 10},
			"SEARCH d USING INDEX scheduled_tasks_due_idx (next_run_at_us<?)"},
		{"FindTaskByDefinition", []any{def.Fingerprint, want.TaskName, string(want.ScheduleType), want.Schedule},
			"SEARCH scheduled_tasks USING INDEX scheduled_tasks_definition_idx (definition_sha256=?)"},
		{"NextDue", nil, "USING COVERING INDEX scheduled_tasks_due_idx"},
	} {
		plan := explain(t, b, c.query, c.args...)
		t.Logf("%s:\n%s", c.query, plan)
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s: plan lacks %q", c.query, c.want)
		}
		for _, line := range strings.Split(plan, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "SCAN ") {
				t.Errorf("%s: plan scans a table: %s", c.query, line)
			}
		}
	}
	// The plans are for the queries the backend really runs with these
	// arguments: they find what they should.
	due, err := b.ListDue(ctx, now)
	if err != nil || len(due) != 90 {
		t.Errorf("ListDue: %d tasks, %v; want 90", len(due), err)
	}
	if got, err := b.FindByDefinition(ctx, want.TaskName, want.ScheduleType, want.Schedule, nil, nil); err != nil || got.ID != want.ID {
		t.Errorf("FindByDefinition: %v, %v; want task %q", got, err, want.ID)
	}
}

// explain returns the EXPLAIN QUERY PLAN of a generated query, one detail
// per line, indented by depth.
func explain(t *testing.T, b *sqlite.Store, name string, args ...any) string {
	t.Helper()
	query, err := sqlcquery.Text("sqlite", name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := b.DB().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", name, err)
	}
	defer rows.Close()
	depth := map[int]int{}
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		depth[id] = depth[parent] + 1
		lines = append(lines, strings.Repeat("  ", depth[id]-1)+detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("explain %s: %v", name, err)
	}
	return strings.Join(lines, "\n")
}
