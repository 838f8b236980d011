package claims

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter/mysql"
	"github.com/flowrra/schedstore/internal/testdb"
	"github.com/flowrra/schedstore/runner"
)

const (
	drainBacklog = 100_000 // due one-time tasks
	drainWorkers = 4
	drainClaims  = 50 // claims per worker: 4 x 50 x 32 = 6,400 fires
)

// TestMySQLBacklogDrain (issue 11): 4 claimers, each with its own pool,
// work on a backlog of 100,000 due tasks on MariaDB/MySQL: each makes 50
// claims of 32 through the public API and completes every claim
// (CompleteClaim), as schedstore run does. It reports the claims that came
// back short or empty while rows were due, the tasks claimed twice (must be
// none), the time, and InnoDB's server-wide row lock counters
// (Innodb_row_lock_waits, Innodb_row_lock_time) before and after.
func TestMySQLBacklogDrain(t *testing.T) {
	gate(t)
	ctx := context.Background()
	url := testdb.MySQL(t)
	var stores []*mysql.Store
	for range drainWorkers {
		b, err := mysql.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		stores = append(stores, b)
	}
	db := stores[0].DB()
	now := time.Now().UTC().Add(-time.Hour)
	// One-time tasks, due an hour ago and before, priority n % 5.
	const digits = `(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)`
	if _, err := db.ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, next_run_at, created_at, updated_at, description, priority)
SELECT CONCAT('t', LPAD(n, 7, '0')), CONCAT('job-', n), 'one_time', DATE_FORMAT(t0 - INTERVAL n SECOND, '%Y-%m-%dT%H:%i:%sZ'),
       '[]', '{}', LPAD(HEX(n), 64, '0'), TRUE, t0 - INTERVAL n SECOND, t0, t0, '', n % 5
FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n, CAST(? AS DATETIME(6)) AS t0
      FROM `+digits+` a CROSS JOIN `+digits+` b CROSS JOIN `+digits+` c CROSS JOIN `+digits+` e
      CROSS JOIN `+digits+` f) AS seq`, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "ANALYZE TABLE scheduled_tasks"); err != nil {
		t.Fatal(err)
	}
	before, err := rowLockCounters(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	limit := runner.DefaultClaimLimit
	var (
		mu      sync.Mutex
		seen    = map[string]int{}
		short   int
		empty   int
		fires   int
		wg      sync.WaitGroup
		errOnce sync.Once
		firstE  error
	)
	start := time.Now()
	for w, st := range stores {
		wg.Go(func() {
			owner := fmt.Sprintf("drain-%d", w)
			for range drainClaims {
				claims, err := st.ClaimDue(ctx, owner, time.Time{}, time.Minute, limit)
				if err != nil {
					errOnce.Do(func() { firstE = err })
					return
				}
				mu.Lock()
				if len(claims) == 0 {
					empty++
				} else if len(claims) < limit {
					short++
				}
				for _, c := range claims {
					seen[c.Task.ID]++
				}
				mu.Unlock()
				for _, c := range claims {
					if err := st.CompleteClaim(ctx, c, nil); err != nil {
						errOnce.Do(func() { firstE = err })
						return
					}
				}
				mu.Lock()
				fires += len(claims)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstE != nil {
		t.Fatal(firstE)
	}
	after, err := rowLockCounters(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	twice := 0
	for _, n := range seen {
		if n > 1 {
			twice++
		}
	}
	var ledger int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM scheduled_task_fires").Scan(&ledger); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%d claimers x %d claims of %d on a backlog of %d: %d fires in %v (%.0f/s); claims short %d, empty %d; tasks claimed twice %d; ledger %d\n"+
		"| counter | before | after | delta |\n|---|---:|---:|---:|\n%s",
		drainWorkers, drainClaims, limit, drainBacklog, fires, elapsed.Round(time.Millisecond),
		float64(fires)/elapsed.Seconds(), short, empty, twice, ledger, counterTable(before, after))
	if twice > 0 || ledger != fires {
		t.Errorf("%d tasks claimed twice, ledger %d rows for %d fires", twice, ledger, fires)
	}
}

var rowLockNames = []string{"Innodb_row_lock_waits", "Innodb_row_lock_time", "Innodb_row_lock_time_max", "Innodb_deadlocks"}

func rowLockCounters(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name LIKE 'Innodb_row_lock%' OR Variable_name = 'Innodb_deadlocks'")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, rows.Err()
}

func counterTable(before, after map[string]int64) string {
	s := ""
	for _, n := range rowLockNames {
		if _, ok := after[n]; !ok {
			continue
		}
		s += fmt.Sprintf("| %s | %d | %d | %d |\n", n, before[n], after[n], after[n]-before[n])
	}
	return s
}

var _ schedstore.Store = (*mysql.Store)(nil)
