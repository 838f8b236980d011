package postgres_test

import (
	"context"
	"fmt"
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
// and FindByDefinition a lookup in scheduled_tasks_definition_idx.
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
		{"ClaimDueTasks", []any{"owner", now.Add(time.Minute), now, int32(10)}, "Index Scan using scheduled_tasks_due_idx"},
		{"NextDue", nil, "Index Only Scan using scheduled_tasks_due_idx"},
	} {
		plan := explain(t, b, c.query, c.args...)
		t.Logf("%s:\n%s", c.query, plan)
		if !strings.Contains(plan, c.want) {
			t.Errorf("%s: plan does not use %q", c.query, c.want)
		}
		if strings.Contains(plan, "Seq Scan") {
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
