package postgres_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/postgres"
	"github.com/flowrra/schedstore/internal/sqlcquery"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// TestExplainUsesIndexes proves the indexes match the queries: on a table
// with thousands of rows, ListDue is a range scan of scheduled_tasks_due_idx
// and FindByDefinition a lookup in scheduled_tasks_definition_idx; the look
// for a due task before a claim (ClaimClock, ClaimClockAt) reads the due
// range too, never the table.
func TestExplainUsesIndexes(t *testing.T) {
	ctx := context.Background()
	b, err := postgres.Open(ctx, testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Now().UTC()
	if _, err := b.DB().Exec(ctx, `
		INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, definition_sha256, enabled,
			next_run_at, created_at, updated_at, priority)
		SELECT 'task-' || i, 'job-' || i, 'interval', '60', lpad(to_hex(i), 64, '0'), i % 10 <> 0,
			$1::timestamptz + (i - 100) * interval '1 minute', $1, $1, i % 5
		FROM generate_series(1, 5000) AS i`, now); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DB().Exec(ctx, "ANALYZE scheduled_tasks"); err != nil {
		t.Fatal(err)
	}
	def, err := taskrow.NewDefinition("job-7", schedstore.ScheduleInterval, "60", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		args  []any
		want  string
	}{
		{"ListDueTasks", []any{now}, "Index Scan using scheduled_tasks_due_idx"},
		{"FindTaskByDefinition", []any{def.Fingerprint, "job-7", "interval", "60"}, "scheduled_tasks_definition_idx"},
		{"NextDue", nil, "Index Only Scan using scheduled_tasks_due_idx"},
		{"ListTasksPage", []any{now, "task-42", int32(100)}, "Index Scan using scheduled_tasks_created_idx"},
		// Is a task due: the first free entry of the due range ends it.
		{"ClaimClock", nil, "Index Scan using scheduled_tasks_due_idx"},
		{"ClaimClockAt", []any{now}, "Index Scan using scheduled_tasks_due_idx"},
	} {
		plan := explain(t, b, c.query, c.args...)
		t.Logf("%s:\n%s", c.query, plan)
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s: plan does not use %q", c.query, c.want)
		}
		// The queue of requests is empty here, and never analyzed: a scan of
		// it is the planner's right choice.
		if strings.Contains(plan, "Seq Scan on scheduled_tasks ") {
			t.Errorf("%s: plan scans the table", c.query)
		}
	}
}

func explain(t *testing.T, b *postgres.Store, name string, args ...any) string {
	t.Helper()
	sql, err := sqlcquery.Text("postgres", name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := b.DB().Query(context.Background(), "EXPLAIN "+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(fmt.Errorf("explain %s: %w", name, err))
	}
	return strings.Join(lines, "\n")
}

// TestExplainClaimBacklog proves ClaimDue is index-bound whatever the
// backlog (issue 11): on 200,000 tasks over five priorities, with 100 due
// and then with 20,000 due, the plan is a loose index scan of the
// priorities, then per priority a range of scheduled_tasks_claim_idx,
// never a Sort of every due row; with the backlog, an ordered range and no
// Sort at all, and EXPLAIN ANALYZE (in a transaction rolled back) shows
// the claim reading only the rows it takes. The look for a due task before
// it (ClaimClockAt) reads the due range, whatever the backlog.
func TestExplainClaimBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 200,000 rows")
	}
	ctx := context.Background()
	b, err := postgres.Open(ctx, testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	const total, limit = 200_000, 32
	// Task i is due (i seconds before now) for i <= 100, else i seconds
	// after; priority i % 5, so the due tasks spread over every priority.
	if _, err := b.DB().Exec(ctx, `
		INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, definition_sha256, enabled,
			next_run_at, created_at, updated_at, priority)
		SELECT 't' || lpad(i::text, 7, '0'), 'job-' || i, 'interval', '60', lpad(to_hex(i), 64, '0'), true,
			$1::timestamptz + CASE WHEN i <= 100 THEN -i ELSE i END * interval '1 second', $1, $1, i % 5
		FROM generate_series(1, $2::int) AS i`, now, total); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name, setup string
		due         int
	}{
		{"usual, 100 due", "", 100},
		// Every task whose tens digit is 0: a tenth of them, all priorities.
		{"backlog, 20,090 due", `UPDATE scheduled_tasks SET next_run_at = next_run_at - interval '1000000 seconds'
			WHERE substr(id, 7, 1) = '0' AND next_run_at > '2030-01-01'`, 20_090},
	} {
		if step.setup != "" {
			if _, err := b.DB().Exec(ctx, step.setup); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.DB().Exec(ctx, "VACUUM ANALYZE scheduled_tasks"); err != nil {
			t.Fatal(err)
		}
		var due int
		if err := b.DB().QueryRow(ctx, `SELECT count(*) FROM scheduled_tasks WHERE enabled AND next_run_at <= $1`, now).Scan(&due); err != nil || due != step.due {
			t.Fatalf("%s: %d due, %v", step.name, due, err)
		}
		// The look before the claim: is a task due? The due range, never the table.
		clock := explainAnalyze(t, b, "ClaimClockAt", now)
		t.Logf("%s: EXPLAIN ANALYZE ClaimClockAt:\n%s", step.name, clock)
		if !strings.Contains(clock, "Index Scan using scheduled_tasks_due_idx") || strings.Contains(clock, "Seq Scan on scheduled_tasks ") {
			t.Errorf("%s: ClaimClockAt: want a range of scheduled_tasks_due_idx, no table scan", step.name)
		}
		plan := explain(t, b, "ClaimDueTasks", "owner", now.Add(time.Minute), now, int32(limit))
		t.Logf("%s: ClaimDueTasks:\n%s", step.name, plan)
		for _, want := range []string{"CTE Scan on prio", "Nested Loop", "LockRows",
			"Index Only Scan using scheduled_tasks_claim_idx"} {
			if !strings.Contains(plan, want) {
				t.Errorf("%s: ClaimDueTasks: plan lacks %q", step.name, want)
			}
		}
		// The order is the plan's: a Sort above the Nested Loop would read
		// every priority's batch. With few due rows per priority the planner
		// may sort those few inside the LATERAL (a bitmap scan of
		// priority = p AND next_run_at <= now, then a Sort of that
		// priority's due rows); with a backlog it must walk the index.
		for _, bad := range []string{"Seq Scan", "scheduled_tasks_due_idx", "Sort Key: prio", "Sort Key: t."} {
			if strings.Contains(plan, bad) {
				t.Errorf("%s: ClaimDueTasks: plan has %q", step.name, bad)
			}
		}
		analyzed := explainAnalyze(t, b, "ClaimDueTasks", "owner", now.Add(time.Minute), now, int32(limit))
		t.Logf("%s: EXPLAIN ANALYZE ClaimDueTasks:\n%s", step.name, analyzed)
		if step.due < 1000 {
			continue
		}
		if strings.Contains(plan, "Sort") || !strings.Contains(plan, "Index Scan using scheduled_tasks_claim_idx") {
			t.Errorf("%s: ClaimDueTasks: want an ordered range of scheduled_tasks_claim_idx, no Sort", step.name)
		}
		// The claim's index range returns exactly the rows it takes.
		m := regexp.MustCompile(`Index Scan using scheduled_tasks_claim_idx on scheduled_tasks s \(actual rows=(\d+) loops=(\d+)\)`).FindStringSubmatch(analyzed)
		if m == nil {
			t.Errorf("%s: no claim range in EXPLAIN ANALYZE", step.name)
			continue
		}
		rows, _ := strconv.Atoi(m[1])
		loops, _ := strconv.Atoi(m[2])
		if rows*loops > limit {
			t.Errorf("%s: the claim's range read %d x %d rows; want at most %d", step.name, rows, loops, limit)
		}
	}
}

// explainAnalyze runs EXPLAIN ANALYZE of a generated query in a
// transaction it rolls back, so writes leave nothing behind.
func explainAnalyze(t *testing.T, b *postgres.Store, name string, args ...any) string {
	t.Helper()
	sql, err := sqlcquery.Text("postgres", name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tx, err := b.DB().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(fmt.Errorf("explain analyze %s: %w", name, err))
	}
	return strings.Join(lines, "\n")
}
