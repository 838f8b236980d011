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
		{"ClaimDueTasks", []any{"owner-1", taskrow.Micros(now.Add(time.Minute)), taskrow.Micros(now), "[4,3,2,1,0]", 10},
			"SEARCH d USING INDEX scheduled_tasks_claim_idx (priority=? AND next_run_at_us<?)"},
		{"ListTasksPage", []any{taskrow.Micros(now), "task-42", 100},
			"SEARCH scheduled_tasks USING INDEX scheduled_tasks_created_idx ("},
		{"FindTaskByDefinition", []any{def.Fingerprint, want.TaskName, string(want.ScheduleType), want.Schedule},
			"SEARCH scheduled_tasks USING INDEX scheduled_tasks_definition_idx (definition_sha256=?)"},
		{"NextDue", nil, "USING COVERING INDEX scheduled_tasks_due_idx"},
	} {
		plan := explain(t, b, c.query, c.args...)
		t.Logf("%s:\n%s", c.query, plan)
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s: plan lacks %q", c.query, c.want)
		}
		checkNoScan(t, c.query, plan)
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

// checkNoScan fails on a plan line that scans a table or a whole index.
// Allowed: the recursive CTE's own rows and constant row, the first probe
// of scheduled_task_priorities (ORDER BY priority DESC LIMIT 1: the scan of
// scheduled_tasks_claim_idx stops at its first entry), and json_each over
// the claim's parameter (the list of priorities, not a table).
func checkNoScan(t *testing.T, query, plan string) {
	t.Helper()
	for _, line := range strings.Split(plan, "\n") {
		line = strings.TrimSpace(line)
		switch line {
		case "SCAN CONSTANT ROW", "SCAN prio", "SCAN f USING COVERING INDEX scheduled_tasks_claim_idx",
			"SCAN json_each VIRTUAL TABLE INDEX 1:":
			continue
		}
		if strings.HasPrefix(line, "SCAN ") || strings.Contains(line, "USE TEMP B-TREE FOR ORDER BY") && (query == "ClaimDueTasks" || query == "ListTasksPage") {
			t.Errorf("%s: plan scans or sorts: %s", query, line)
		}
	}
}

// TestExplainClaimBacklog proves ClaimDue is index-bound whatever the
// backlog (issue 11): on 30,000 tasks over five priorities, with 100 due
// and then with 3,090 due (after ANALYZE; SQLite's choice depends on the
// statistics, not the size, and a bigger fill takes minutes under -race),
// the claim reads one range of
// scheduled_tasks_claim_idx per priority (priority=? AND next_run_at_us<?),
// in index order (no temp B-tree for the ORDER BY), so it stops at LIMIT.
func TestExplainClaimBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 30,000 rows")
	}
	ctx := t.Context()
	b := openStore(t, testdb.SQLite(t))
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	const total, limit = 30_000, 32
	// Task i is due (i seconds before now) for i <= 100, else i seconds
	// after; priority i % 5, so the due tasks spread over every priority.
	if _, err := b.DB().ExecContext(ctx, `
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
		INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, definition_sha256, enabled,
			next_run_at_us, created_at_us, updated_at_us, priority)
		SELECT printf('t%07d', i), 'job-' || i, 'interval', '60', printf('%064x', i), 1,
			?1 + CASE WHEN i <= 100 THEN -i ELSE i END * 1000000, ?1, ?1, i % 5
		FROM seq`, taskrow.Micros(now), total); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name, setup string
		due         int
	}{
		{"usual, 100 due", "", 100},
		// Every task whose tens digit is 0: a tenth of them, all priorities.
		{"backlog, 3,090 due", `UPDATE scheduled_tasks SET next_run_at_us = next_run_at_us - 1000000000000
			WHERE substr(id, 7, 1) = '0' AND next_run_at_us > ?1`, 3_090},
	} {
		if step.setup != "" {
			if _, err := b.DB().ExecContext(ctx, step.setup, taskrow.Micros(now)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		due, err := b.ListDue(ctx, now)
		if err != nil || len(due) != step.due {
			t.Fatalf("%s: ListDue: %d, %v; want %d", step.name, len(due), err, step.due)
		}
		// The priorities: a loose index scan, one probe per priority.
		prios := explain(t, b, "ClaimPriorities")
		t.Logf("%s: ClaimPriorities:\n%s", step.name, prios)
		if want := "SEARCH n USING COVERING INDEX scheduled_tasks_claim_idx (priority<?)"; !strings.Contains(prios, want) {
			t.Errorf("%s: ClaimPriorities: plan lacks %q", step.name, want)
		}
		checkNoScan(t, "ClaimPriorities", prios)
		plan := explain(t, b, "ClaimDueTasks", "owner-1", taskrow.Micros(now.Add(time.Minute)), taskrow.Micros(now), "[4,3,2,1,0]", limit)
		t.Logf("%s: ClaimDueTasks:\n%s", step.name, plan)
		if want := "SEARCH d USING INDEX scheduled_tasks_claim_idx (priority=? AND next_run_at_us<?)"; !strings.Contains(plan, want) {
			t.Errorf("%s: ClaimDueTasks: plan lacks %q", step.name, want)
		}
		checkNoScan(t, "ClaimDueTasks", plan)
		// The plan does what it says: the claim takes the first LIMIT due
		// tasks in ListDue's order.
		claims, err := b.ClaimDue(ctx, "owner-1", now, time.Minute, limit)
		if err != nil || len(claims) != limit {
			t.Fatalf("%s: ClaimDue: %d claims, %v", step.name, len(claims), err)
		}
		for i, c := range claims {
			if c.Task.ID != due[i].ID {
				t.Errorf("%s: claim %d is %s; ListDue's order says %s", step.name, i, c.Task.ID, due[i].ID)
			}
			if err := b.ReleaseClaim(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
}
