package claims

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore/internal/sqlcquery"
	"github.com/flowrra/schedstore/internal/testdb"
	"github.com/flowrra/schedstore/runner"
)

// innodbTrxRefresh: information_schema.INNODB_TRX is served from a cache
// that InnoDB refreshes at most every 0.1 s, so a count read sooner after
// the statement may be the one from before it.
const innodbTrxRefresh = 200 * time.Millisecond

// TestMySQLClaimLocks shows what one MySQL claim locks, which is what limits
// concurrent claimers there: instance A runs ClaimDue's locking SELECT
// (the generated SelectDueForClaim text, so the plan is the adapter's) and
// keeps its transaction open; meanwhile instance B runs the same SELECT.
// It reports the plan, the rows A locked (INNODB_TRX.trx_rows_locked) and
// the rows B got, as migrated and with the changes README.md proposes; it
// asserts only that A got a full batch.
func TestMySQLClaimLocks(t *testing.T) {
	gate(t)
	ctx := t.Context()
	backlog := envInt(t, envBacklog, defaultBacklog, 100)
	url := testdb.MySQL(t)
	h, err := openHandle(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	rows, err := backlogRows(backlog)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.seed(ctx, rows); err != nil {
		t.Fatal(err)
	}
	query, err := sqlcquery.Text("mysql", "SelectDueForClaim")
	if err != nil {
		t.Fatal(err)
	}
	db := h.(myHandle).b.DB()
	// The adapter passes the enabled priorities it read with the clock
	// (sqlc.slice): here, those of the backlog, as literals.
	var prios string
	if err := db.QueryRowContext(ctx, "SELECT GROUP_CONCAT(DISTINCT priority) FROM scheduled_tasks").Scan(&prios); err != nil {
		t.Fatal(err)
	}
	query = strings.Replace(query, "/*SLICE:priorities*/?", prios, 1)
	limit := runner.DefaultClaimLimit

	// The same claim in four states: a fresh backlog, all due; nine
	// tenths of it fired (the optimizer may then prefer a range on
	// scheduled_tasks_due_idx, which still locks every due row before the
	// sort); then with the proposed index, under REPEATABLE READ (the
	// server's default) and READ COMMITTED.
	fired := backlog - backlog/10
	steps := []struct {
		name  string
		stmts []string
		iso   sql.IsolationLevel
	}{
		{name: "as migrated, whole backlog due"},
		{name: fmt.Sprintf("as migrated, %d of %d fired", fired, backlog), stmts: []string{
			// What CompleteClaim leaves: disabled, no next run.
			fmt.Sprintf(`UPDATE scheduled_tasks SET enabled = FALSE, last_run_at = next_run_at, next_run_at = NULL
WHERE id < '%s'`, rows[fired].ID),
			// What InnoDB's background statistics recalculation (after
			// 10% of a table changed) soon does anyway.
			"ANALYZE TABLE scheduled_tasks",
		}},
		{name: "+ scheduled_tasks_claim_idx", stmts: []string{mysqlClaimIndex, "ANALYZE TABLE scheduled_tasks"}},
		// Right after the mass UPDATE the fired rows' old index entries
		// are delete-marked until InnoDB's purge removes them, and a
		// locking read under REPEATABLE READ locks those too (the two rows
		// above: thousands locked, whichever index); once purged (and the
		// statistics with it), a claim locks what it takes. A drain's
		// completions change a few rows at a time, which purge keeps up with.
		{name: "+ 15 s for InnoDB's purge", stmts: []string{"SELECT SLEEP(15)", "ANALYZE TABLE scheduled_tasks"}},
		{name: "+ scheduled_tasks_claim_idx, READ COMMITTED", iso: sql.LevelReadCommitted},
	}
	var report strings.Builder
	fmt.Fprintf(&report, "LIMIT %d; A keeps its claim transaction open while B claims\n\n", limit)
	report.WriteString("| state | due | plan (type, key, Extra) | rows A got | rows A locked | rows B got |\n")
	report.WriteString("|---|---:|---|---:|---:|---:|\n")
	for _, step := range steps {
		for _, stmt := range step.stmts {
			if err := h.exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		due := backlog
		if step.name != steps[0].name {
			due = backlog - fired
		}
		p, err := probeLocks(ctx, db, query, limit, step.iso)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if p.gotA != limit {
			t.Errorf("%s: A got %d rows; want %d", step.name, p.gotA, limit)
		}
		fmt.Fprintf(&report, "| %s | %d | %s | %d | %d | %d |\n", step.name, due, p.plan, p.gotA, p.lockedA, p.gotB)
	}
	t.Log("\n" + report.String())
}

type lockProbe struct {
	plan       string
	gotA, gotB int
	lockedA    int64
}

// probeLocks runs query (a locking claim) in transaction A and, while A is
// open, in transaction B, both at isolation level iso.
func probeLocks(ctx context.Context, db *sql.DB, query string, limit int, iso sql.IsolationLevel) (lockProbe, error) {
	var p lockProbe
	// Any instant after the backlog: every task is due.
	now := time.Now().UTC()
	plan, err := explain(ctx, db, query, now, now, limit)
	if err != nil {
		return p, err
	}
	p.plan = plan

	a, err := db.Conn(ctx)
	if err != nil {
		return p, err
	}
	defer a.Close()
	var idA int64
	if err := a.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&idA); err != nil {
		return p, err
	}
	opts := &sql.TxOptions{Isolation: iso}
	txA, err := a.BeginTx(ctx, opts)
	if err != nil {
		return p, err
	}
	defer txA.Rollback() // nothing is written: both transactions only lock
	if p.gotA, err = countRows(txA.QueryContext(ctx, query, now, now, limit)); err != nil {
		return p, err
	}
	time.Sleep(innodbTrxRefresh)
	if err := db.QueryRowContext(ctx,
		"SELECT trx_rows_locked FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?", idA).
		Scan(&p.lockedA); err != nil {
		return p, fmt.Errorf("INNODB_TRX: %w", err)
	}

	txB, err := db.BeginTx(ctx, opts)
	if err != nil {
		return p, err
	}
	defer txB.Rollback()
	p.gotB, err = countRows(txB.QueryContext(ctx, query, now, now, limit))
	return p, err
}

func countRows(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	return n, rows.Err()
}

// explain returns "type, key, Extra" of each step of query's plan.
func explain(ctx context.Context, db *sql.DB, query string, args ...any) (string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var steps []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		get := func(name string) string {
			for i, c := range cols {
				if strings.EqualFold(c, name) && vals[i].Valid {
					return vals[i].String
				}
			}
			return "NULL"
		}
		steps = append(steps, fmt.Sprintf("%s, %s, %s", get("type"), get("key"), get("Extra")))
	}
	return strings.Join(steps, "; "), rows.Err()
}
