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
// Then the same again with the index proposed in README.md. It reports
// the plan, the rows A locked (INNODB_TRX.trx_rows_locked) and the rows B
// got; it asserts only that A got a full batch.
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
	limit := runner.DefaultClaimLimit

	var report strings.Builder
	fmt.Fprintf(&report, "backlog %d due tasks, LIMIT %d\n\n", backlog, limit)
	report.WriteString("| schema | plan (type, key, Extra) | rows A got | rows A locked | rows B got while A is open |\n")
	report.WriteString("|---|---|---:|---:|---:|\n")
	for _, v := range []struct{ name, stmt string }{
		{"as migrated", ""},
		{"+ scheduled_tasks_claim_idx", mysqlClaimIndex},
	} {
		if v.stmt != "" {
			for _, stmt := range []string{v.stmt, "ANALYZE TABLE scheduled_tasks"} {
				if err := h.exec(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
		}
		p, err := probeLocks(ctx, db, query, limit)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if p.gotA != limit {
			t.Errorf("%s: A got %d rows; want %d", v.name, p.gotA, limit)
		}
		fmt.Fprintf(&report, "| %s | %s | %d | %d | %d |\n", v.name, p.plan, p.gotA, p.lockedA, p.gotB)
	}
	t.Log("\n" + report.String())
}

type lockProbe struct {
	plan       string
	gotA, gotB int
	lockedA    int64
}

func probeLocks(ctx context.Context, db *sql.DB, query string, limit int) (lockProbe, error) {
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
	txA, err := a.BeginTx(ctx, nil)
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

	txB, err := db.BeginTx(ctx, nil)
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
