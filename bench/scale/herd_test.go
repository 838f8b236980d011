package scale

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/internal/testdb"
)

// The top-of-the-hour herd (issue 11): herdTasks tasks all due at one
// instant, drained by herdProcs `schedstore run` processes (the built
// binary, defaults, no --exec: each job is a JSON line on stdout, sent to
// /dev/null). Reported: the time from the instant until the ledger holds
// every fire, and the fires per second that implies. Measured, never
// asserted. `make bench-herd`; see README.md.
const (
	envHerd      = "SCHEDSTORE_BENCH_HERD"       // 1: run; anything else: skip
	envHerdTasks = "SCHEDSTORE_BENCH_HERD_TASKS" // tasks due at the instant (default 100000)
	envHerdProcs = "SCHEDSTORE_BENCH_HERD_PROCS" // schedstore run processes (default 4)
	envHerdDBs   = "SCHEDSTORE_BENCH_HERD_DBS"   // default postgres,mysql,sqlite
	envHerdOut   = "SCHEDSTORE_BENCH_HERD_OUT"   // also write the Markdown table here
	envHerdBin   = "SCHEDSTORE_BENCH_HERD_BIN"   // a schedstore binary to run instead of building this tree's (e.g. an older commit's)

	// herdLead is how far after the fill the instant is: the processes
	// start, connect and go to sleep until it, as they would before the
	// top of an hour.
	herdLead = 10 * time.Second
	// herdFill is the time allowed for the fill (a few seconds at 100,000
	// rows on an idle machine; 15 s and more under load, mostly
	// PostgreSQL's CHECKPOINT). MariaDB's also waits up to a minute for
	// InnoDB to flush the fill's dirty pages (mysqlFiller.analyze).
	herdFill      = 40 * time.Second
	herdFillMySQL = 90 * time.Second
	// herdPoll is how often the ledger is counted: the resolution of the
	// result.
	herdPoll = 200 * time.Millisecond
)

func TestHerd(t *testing.T) {
	if os.Getenv(envHerd) != "1" {
		t.Skipf("a benchmark, not a test: set %s=1 to run it (minutes; see bench/scale/README.md)", envHerd)
	}
	tasks := herdEnvInt(t, envHerdTasks, 100_000)
	procs := herdEnvInt(t, envHerdProcs, 4)
	bin := os.Getenv(envHerdBin)
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "schedstore")
		build := exec.Command("go", "build", "-o", bin, "github.com/flowrra/schedstore/cmd/schedstore")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building schedstore: %v\n%s", err, out)
		}
	}
	var table strings.Builder
	table.WriteString("| database | tasks | processes | instant → last fire in the ledger | fires/s | fires per process | last finished_at − instant | load average at the instant |\n")
	table.WriteString("|---|---:|---:|---:|---:|---|---:|---:|\n")
	for db := range strings.SplitSeq(cmp.Or(os.Getenv(envHerdDBs), "postgres,mysql,sqlite"), ",") {
		t.Run(db, func(t *testing.T) {
			if row := herdOne(t, strings.TrimSpace(db), bin, tasks, procs); row != "" {
				table.WriteString(row)
			}
		})
	}
	t.Log("\n" + table.String())
	if out := os.Getenv(envHerdOut); out != "" {
		if err := os.WriteFile(out, []byte(table.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// herdDB is the SQL a herd run needs on one database.
type herdDB struct {
	fill   func(ctx context.Context, n int, at time.Time) error
	count  func(ctx context.Context) (int64, error)
	byOwn  func(ctx context.Context) (string, error)
	lastAt func(ctx context.Context) (time.Time, error) // the latest finished_at in the ledger
}

func herdOne(t *testing.T, dialect, bin string, tasks, procs int) string {
	ctx := context.Background()
	var url string
	switch dialect {
	case "postgres":
		url = testdb.Postgres(t)
	case "mysql":
		url = testdb.MySQL(t)
	case "sqlite":
		url = testdb.SQLite(t)
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	be, err := adapter.Open(ctx, url) // migrates
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	var h herdDB
	switch b := be.(type) {
	case interface{ DB() *pgxpool.Pool }:
		h = pgHerd(b.DB())
	case interface{ DB() *sql.DB }:
		if dialect == "mysql" {
			h = mysqlHerd(b.DB())
		} else {
			h = sqliteHerd(b.DB())
		}
	}
	// A whole second, herdFill + herdLead ahead: the fill, VACUUM/ANALYZE
	// and a checkpoint must be done herdLead before it.
	fillTime := herdFill
	if dialect == "mysql" {
		fillTime = herdFillMySQL
	}
	at := time.Now().Add(fillTime + herdLead).Truncate(time.Second)
	if err := h.fill(ctx, tasks, at); err != nil {
		t.Fatalf("fill: %v", err)
	}
	if time.Until(at) < herdLead/2 {
		// Raise herdFill rather than start the processes late.
		t.Fatalf("the fill took too long: the instant %v is %v away", at, time.Until(at))
	}

	logs := t.TempDir()
	var cmds []*exec.Cmd
	for i := range procs {
		owner := fmt.Sprintf("herd-%d", i+1)
		cmd := exec.Command(bin, "run", "--db", url, "--owner", owner)
		cmd.Stdout = nil // /dev/null
		errLog, err := os.Create(filepath.Join(logs, owner+".log"))
		if err != nil {
			t.Fatal(err)
		}
		defer errLog.Close()
		cmd.Stderr = errLog
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	defer func() {
		for _, c := range cmds {
			c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("%v: %v", c.Args, err)
			}
		}
		for i := range procs {
			if b, _ := os.ReadFile(filepath.Join(logs, fmt.Sprintf("herd-%d.log", i+1))); bytes.Contains(b, []byte("level=ERROR")) {
				t.Errorf("herd-%d logged errors:\n%s", i+1, grepLines(b, "level=ERROR", 10))
			}
		}
	}()

	time.Sleep(time.Until(at))
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load, _, _ = strings.Cut(string(b), " ")
	}
	deadline := at.Add(15 * time.Minute)
	var n int64
	var done time.Time
	for {
		if n, err = h.count(ctx); err != nil {
			t.Fatal(err)
		}
		if n >= int64(tasks) {
			done = time.Now()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the ledger holds %d of %d fires", time.Since(at), n, tasks)
		}
		time.Sleep(herdPoll)
	}
	elapsed := done.Sub(at)
	last, err := h.lastAt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	owners, err := h.byOwn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(tasks) {
		t.Errorf("the ledger holds %d fires; want %d", n, tasks)
	}
	rate := float64(tasks) / elapsed.Seconds()
	t.Logf("%s: %d fires by %d processes in %v after the instant (%.0f/s); last finished_at %v after it; per owner %s; load %s",
		dialect, tasks, procs, elapsed.Round(time.Millisecond), rate, last.Sub(at).Round(time.Millisecond), owners, load)
	return fmt.Sprintf("| %s | %d | %d | %.1f s | %.0f | %s | %.1f s | %s |\n", dialect, tasks, procs,
		elapsed.Seconds(), rate, owners, last.Sub(at).Seconds(), load)
}

func grepLines(b []byte, sub string, most int) string {
	var out []string
	for l := range strings.SplitSeq(string(b), "\n") {
		if strings.Contains(l, sub) && len(out) < most {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func herdEnvInt(t *testing.T, env string, def int) int {
	s := os.Getenv(env)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", env, s)
	}
	return n
}

// The herd: n cron tasks, all with their next run at the instant at (an
// instant of our choosing, not the top of an hour: the same herd), over
// five priorities, a fake unique fingerprint each. Their schedule is
// yearly ('0 0 1 1 *'), not hourly: an hourly one would come due again at
// the next top of the hour, and a run across it would count those fires
// too.

func pgHerd(pool *pgxpool.Pool) herdDB {
	return herdDB{
		fill: func(ctx context.Context, n int, at time.Time) error {
			if _, err := pool.Exec(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
definition_sha256, enabled, next_run_at, created_at, updated_at, priority)
SELECT 'h' || lpad(i::text, 7, '0'), 'herd-' || i, 'cron', '0 0 1 1 *', lpad(to_hex(i), 64, '0'), true,
       $1::timestamptz, $1::timestamptz - interval '1 day', $1::timestamptz - interval '1 day', i % 5
FROM generate_series(1, $2::int) AS i`, at, n); err != nil {
				return err
			}
			_, err := pool.Exec(ctx, `VACUUM ANALYZE scheduled_tasks`)
			pool.Exec(ctx, `CHECKPOINT`) // needs a superuser; without, the run carries the fill's writes
			return err
		},
		count: func(ctx context.Context) (n int64, err error) {
			err = pool.QueryRow(ctx, `SELECT count(*) FROM scheduled_task_fires`).Scan(&n)
			return n, err
		},
		byOwn: func(ctx context.Context) (string, error) {
			var s string
			err := pool.QueryRow(ctx, `SELECT string_agg(owner || ' ' || n, ', ' ORDER BY owner)
FROM (SELECT owner, count(*) AS n FROM scheduled_task_fires GROUP BY owner) AS o`).Scan(&s)
			return s, err
		},
		lastAt: func(ctx context.Context) (at time.Time, err error) {
			err = pool.QueryRow(ctx, `SELECT max(finished_at) FROM scheduled_task_fires`).Scan(&at)
			return at, err
		},
	}
}

func mysqlHerd(db *sql.DB) herdDB {
	return herdDB{
		fill: func(ctx context.Context, n int, at time.Time) error {
			const chunk = 100_000
			for base := 1; base <= n; base += chunk {
				hi := min(base+chunk-1, n)
				_, err := db.ExecContext(ctx, `INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule,
args, kwargs, definition_sha256, enabled, next_run_at, created_at, updated_at, description, priority)
SELECT CONCAT('h', LPAD(n, 7, '0')), CONCAT('herd-', n), 'cron', '0 0 1 1 *', '[]', '{}',
       LPAD(HEX(n), 64, '0'), TRUE, t0, t0 - INTERVAL 1 DAY, t0 - INTERVAL 1 DAY, '', n % 5
FROM (SELECT ? + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n, CAST(? AS DATETIME(6)) AS t0
      FROM `+digits+` a CROSS JOIN `+digits+` b CROSS JOIN `+digits+` c CROSS JOIN `+digits+` e
      CROSS JOIN `+digits+` f) AS seq
WHERE n <= ?`, base, at.UTC(), hi)
				if err != nil {
					return err
				}
			}
			return mysqlFiller{db}.analyze(ctx)
		},
		count: func(ctx context.Context) (n int64, err error) {
			err = db.QueryRowContext(ctx, `SELECT count(*) FROM scheduled_task_fires`).Scan(&n)
			return n, err
		},
		byOwn: func(ctx context.Context) (string, error) {
			var s string
			err := db.QueryRowContext(ctx, `SELECT GROUP_CONCAT(CONCAT(owner, ' ', n) ORDER BY owner SEPARATOR ', ')
FROM (SELECT owner, count(*) AS n FROM scheduled_task_fires GROUP BY owner) AS o`).Scan(&s)
			return s, err
		},
		lastAt: func(ctx context.Context) (at time.Time, err error) {
			err = db.QueryRowContext(ctx, `SELECT max(finished_at) FROM scheduled_task_fires`).Scan(&at)
			return at, err
		},
	}
}

func sqliteHerd(db *sql.DB) herdDB {
	return herdDB{
		fill: func(ctx context.Context, n int, at time.Time) error {
			t := at.UnixMicro()
			if _, err := db.ExecContext(ctx, `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?2)
INSERT INTO scheduled_tasks (id, task_name, schedule_type, schedule, definition_sha256, enabled,
    next_run_at_us, created_at_us, updated_at_us, priority)
SELECT printf('h%07d', n), 'herd-' || n, 'cron', '0 0 1 1 *', printf('%064x', n), 1,
       ?1, ?1 - 86400000000, ?1 - 86400000000, n % 5
FROM seq`, t, n); err != nil {
				return err
			}
			_, err := db.ExecContext(ctx, `ANALYZE`)
			return err
		},
		count: func(ctx context.Context) (n int64, err error) {
			err = db.QueryRowContext(ctx, `SELECT count(*) FROM scheduled_task_fires`).Scan(&n)
			return n, err
		},
		byOwn: func(ctx context.Context) (string, error) {
			var s string
			err := db.QueryRowContext(ctx, `SELECT group_concat(owner || ' ' || n, ', ')
FROM (SELECT owner, count(*) AS n FROM scheduled_task_fires GROUP BY owner ORDER BY owner)`).Scan(&s)
			return s, err
		},
		lastAt: func(ctx context.Context) (time.Time, error) {
			var us int64
			err := db.QueryRowContext(ctx, `SELECT max(finished_at_us) FROM scheduled_task_fires`).Scan(&us)
			return time.UnixMicro(us), err
		},
	}
}
