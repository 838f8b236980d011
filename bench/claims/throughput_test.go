package claims

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/internal/testdb"
	"github.com/flowrra/schedstore/runner"
)

// Settings, from the environment.
const (
	envEnable  = "SCHEDSTORE_BENCH_CLAIMS"         // 1: run; anything else: skip
	envBacklog = "SCHEDSTORE_BENCH_CLAIMS_BACKLOG" // due occurrences per run (default defaultBacklog)
	envReps    = "SCHEDSTORE_BENCH_CLAIMS_REPS"    // runs per cell (default defaultReps)
	envDBs     = "SCHEDSTORE_BENCH_CLAIMS_DBS"     // comma-separated target names (default defaultTargets)
	envOut     = "SCHEDSTORE_BENCH_CLAIMS_OUT"     // also write the Markdown tables to this file
	envImpls   = "SCHEDSTORE_BENCH_CLAIMS_IMPLS"   // comma-separated implementations (default defaultImpls)
)

// defaultBacklog keeps a full run (3 databases x 3 process counts x 2
// implementations x 3 runs) at about 3 minutes on 2 cores (up to twice
// that while the machine is busy with other work), while the shortest
// drains, the baseline's, still last a few hundred milliseconds: long
// against a scheduling hiccup or one busy-handler sleep of SQLite's.
const (
	defaultBacklog = 5000
	defaultReps    = 3
	defaultTargets = "postgres,mysql,sqlite"
	defaultImpls   = implOurs + "," + implBaseline
	runTimeout     = 3 * time.Minute // one run, set-up to checks; MySQL at 4 processes is the slowest
	readyTimeout   = time.Minute     // a worker's start-up and connecting
)

var procCounts = []int{1, 2, 4}

// Indexes whose order is the claim's ORDER BY (priority DESC, next_run_at,
// id), so the scan can stop after LIMIT rows. On MySQL that also stops
// InnoDB from locking every row it reads on the way to a sort; see
// TestMySQLClaimLocks and README.md. The +claim_idx targets measured the
// proposal; since migration 000004 (issue 11) the schema has this index
// (and ClaimDue's queries use it per priority), so IF NOT EXISTS makes
// them the same as the plain targets.
const (
	mysqlClaimIndex = `CREATE INDEX IF NOT EXISTS scheduled_tasks_claim_idx ON scheduled_tasks (enabled, priority DESC, next_run_at, id)`
	pgClaimIndex    = `CREATE INDEX IF NOT EXISTS scheduled_tasks_claim_idx ON scheduled_tasks (priority DESC, next_run_at, id) WHERE enabled`
)

// mysqlReadCommitted, added to a worker's URL, makes its sessions READ
// COMMITTED (the driver SETs unknown parameters as session variables):
// no gap locks, and a locking read releases the rows its WHERE rejects.
// tx_isolation is MariaDB's name (this machine's server); MySQL 8 calls it
// transaction_isolation.
const mysqlReadCommitted = "tx_isolation=%27READ-COMMITTED%27"

// target is one database set-up to measure.
type target struct {
	name   string
	url    func(testing.TB) string // a fresh database; dropped when the test ends
	setup  []string                // run after migrating, before seeding
	params string                  // added to the workers' URL
	// server skips the test when the server's URL is not configured
	// (testdb.PostgresURL, testdb.MySQLURL); nil for SQLite.
	server func(testing.TB) string
}

var targets = []target{
	{name: "postgres", url: testdb.Postgres, server: testdb.PostgresURL},
	{name: "mysql", url: testdb.MySQL, server: testdb.MySQLURL},
	{name: "sqlite", url: testdb.SQLite},
	// Opt-in (SCHEDSTORE_BENCH_CLAIMS_DBS): the changes README.md weighs.
	{name: "mysql+claim_idx", url: testdb.MySQL, server: testdb.MySQLURL, setup: []string{mysqlClaimIndex}},
	{name: "mysql+rc", url: testdb.MySQL, server: testdb.MySQLURL, params: mysqlReadCommitted},
	{name: "mysql+claim_idx+rc", url: testdb.MySQL, server: testdb.MySQLURL,
		setup: []string{mysqlClaimIndex}, params: mysqlReadCommitted},
	{name: "postgres+claim_idx", url: testdb.Postgres, server: testdb.PostgresURL, setup: []string{pgClaimIndex}},
	// A diagnostic, not a proposal: commits that do not wait for the WAL
	// flush (pgx sends unknown URL parameters as run-time parameters), to
	// show how much of ours' cost is one durable commit per fire.
	{name: "postgres+async_commit", url: testdb.Postgres, server: testdb.PostgresURL,
		params: "synchronous_commit=off"},
}

// gate skips t unless the benchmark was asked for: it starts worker
// processes and takes minutes, so `go test ./...` must not run it.
func gate(t *testing.T) {
	t.Helper()
	if os.Getenv(envEnable) != "1" {
		t.Skipf("a benchmark, not a test: set %s=1 to run it (worker processes, about 8 minutes; see bench/claims/README.md)", envEnable)
	}
}

// TestClaimThroughput measures fires per second with 1, 2 and 4 claiming
// processes per database, ours beside the baseline, and prints a table per
// database. It is a test rather than a Benchmark function because the
// unit of work is a whole drain of a fixed backlog by several processes,
// not an operation the benchmark framework could repeat b.N times, and
// every run is followed by correctness checks that must fail loudly.
// Timings are reported, never asserted.
func TestClaimThroughput(t *testing.T) {
	gate(t)
	backlog := envInt(t, envBacklog, defaultBacklog, 100)
	reps := envInt(t, envReps, defaultReps, 1)
	rows, err := backlogRows(backlog)
	if err != nil {
		t.Fatal(err)
	}
	var impls []string
	for name := range strings.SplitSeq(cmp.Or(os.Getenv(envImpls), defaultImpls), ",") {
		name = strings.TrimSpace(name)
		if name != implOurs && name != implOursNoPrefetch && name != implBaseline {
			t.Fatalf("%s: unknown implementation %q (want %s, %s or %s)", envImpls, name, implOurs, implOursNoPrefetch, implBaseline)
		}
		impls = append(impls, name)
	}
	var tgs []target
	for name := range strings.SplitSeq(cmp.Or(os.Getenv(envDBs), defaultTargets), ",") {
		i := slices.IndexFunc(targets, func(tg target) bool { return tg.name == strings.TrimSpace(name) })
		if i < 0 {
			t.Fatalf("%s: unknown target %q", envDBs, name)
		}
		tgs = append(tgs, targets[i])
	}
	// Repetitions outermost, and within each, every target, process count
	// and implementation (alternating which goes first): the machine is
	// shared, and a busy minute then spreads over all cells of all targets
	// instead of sinking one, so targets compare fairly with each other.
	results := map[string]map[cell][]runResult{}
	for rep := range reps {
		t.Run(fmt.Sprintf("rep=%d", rep), func(t *testing.T) {
			for _, tg := range tgs {
				t.Run("db="+tg.name, func(t *testing.T) {
					if tg.server != nil {
						tg.server(t)
					}
					if results[tg.name] == nil {
						results[tg.name] = map[cell][]runResult{}
					}
					measure(t, tg, impls, rows, rep, results[tg.name])
				})
			}
		})
	}
	var report strings.Builder
	for _, tg := range tgs {
		if results[tg.name] == nil { // skipped (no server configured)
			continue
		}
		for _, impl := range impls {
			if impl != implBaseline {
				report.WriteString(table(tg.name, impl, backlog, reps, results[tg.name]) + "\n")
			}
		}
	}
	if report.Len() > 0 {
		t.Log("all tables:\n\n" + report.String())
		if out := os.Getenv(envOut); out != "" {
			if err := os.WriteFile(out, []byte(report.String()), 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}

// cell is one line and column of the table.
type cell struct {
	impl  string
	procs int
}

// runResult is one drain.
type runResult struct {
	elapsed time.Duration
	workers []workerStats
	backlog int
}

func (r runResult) rate() float64 { return float64(r.backlog) / r.elapsed.Seconds() }

func (r runResult) empty() int {
	n := 0
	for _, w := range r.workers {
		n += w.Empty
	}
	return n
}

// busiest is the largest share of the backlog one worker took: 1/procs is
// an even spread, 1 means one worker did everything.
func (r runResult) busiest() float64 {
	m := 0
	for _, w := range r.workers {
		m = max(m, w.Fires)
	}
	return float64(m) / float64(r.backlog)
}

// measure runs repetition rep of every cell of tg, adding to results.
// Odd repetitions run the implementations in reverse order.
func measure(t *testing.T, tg target, impls []string, rows []seedRow, rep int, results map[cell][]runResult) {
	for _, procs := range procCounts {
		impls := slices.Clone(impls)
		if rep%2 == 1 {
			slices.Reverse(impls)
		}
		for _, impl := range impls {
			t.Run(fmt.Sprintf("procs=%d,impl=%s", procs, impl), func(t *testing.T) {
				r := runOnce(t, tg, impl, procs, rows)
				if !t.Failed() {
					c := cell{impl, procs}
					results[c] = append(results[c], r)
				}
			})
		}
	}
}

// runOnce seeds a fresh database, lets procs workers of impl drain it, and
// checks what they left.
func runOnce(t *testing.T, tg target, impl string, procs int, rows []seedRow) runResult {
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	url := tg.url(t)
	h, err := openHandle(ctx, url) // migrates
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	for _, stmt := range tg.setup {
		if err := h.exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := h.seed(ctx, rows); err != nil {
		t.Fatalf("seed: %v", err)
	}

	// The parent migrated; workers starting at once need not queue on the
	// migration lock to find nothing to do.
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	workerURL := url + sep + dburl.MigrateOption + "=false"
	if tg.params != "" {
		workerURL += "&" + tg.params
	}
	before, err := h.serverCounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	load := loadAverage()
	ws := make([]*worker, procs)
	defer func() {
		cancel() // kills any worker still running
		for _, w := range ws {
			if w != nil {
				w.wait()
			}
		}
	}()
	for i := range ws {
		if ws[i], err = startWorker(ctx, impl, workerURL, fmt.Sprintf("worker-%d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	readyBy := time.After(readyTimeout)
	for _, w := range ws {
		if l, err := w.next(ctx, readyBy); err != nil || l.text != "ready" {
			t.Fatalf("%s: want ready, got %q, %v", w.owner, l.text, err)
		}
	}

	start := time.Now()
	for _, w := range ws {
		if _, err := io.WriteString(w.stdin, "go\n"); err != nil {
			t.Fatalf("%s: %v", w.owner, err)
		}
	}
	var end time.Time
	stats := make([]workerStats, procs)
	for i, w := range ws {
		l, err := w.next(ctx, nil)
		if err != nil {
			t.Fatalf("%s: %v", w.owner, err)
		}
		if err := json.Unmarshal([]byte(l.text), &stats[i]); err != nil {
			t.Fatalf("%s: bad report %q: %v", w.owner, l.text, err)
		}
		if l.at.After(end) {
			end = l.at
		}
	}
	for _, w := range ws {
		if err := w.wait(); err != nil {
			t.Fatal(err)
		}
	}
	r := runResult{elapsed: end.Sub(start), workers: stats, backlog: len(rows)}

	fires, claims, empty := make([]int, procs), make([]int, procs), make([]int, procs)
	deadlocks := 0
	for i, s := range stats {
		fires[i], claims[i], empty[i] = s.Fires, s.Claims, s.Empty
		deadlocks += s.Deadlocks
	}
	var server string
	if after, err := h.serverCounters(ctx); err == nil && after != nil {
		for _, k := range slices.Sorted(maps.Keys(after)) {
			server += fmt.Sprintf(" %s +%d", k, after[k]-before[k])
		}
		server = "; server-wide:" + server
	}
	if impl != implBaseline {
		var claimMS, nextMS, completeMS []int64
		var nexts, batches []int
		for _, s := range stats {
			claimMS, nextMS, completeMS = append(claimMS, s.ClaimMS), append(nextMS, s.NextDueMS), append(completeMS, s.CompleteMS)
			nexts, batches = append(nexts, s.NextDue), append(batches, s.Batches)
		}
		server += fmt.Sprintf("; ms in ClaimDue %v, in NextDue %v (%v calls), in CompleteClaims %v (%v batches)",
			claimMS, nextMS, nexts, completeMS, batches)
	}
	if deadlocks > 0 {
		server += fmt.Sprintf("; baseline deadlocks retried %d", deadlocks)
	}
	t.Logf("%d fires in %v = %.0f/s; per worker: fires %v, claims %v, empty claims %v; load average %s%s",
		len(rows), r.elapsed.Round(time.Millisecond), r.rate(), fires, claims, empty, load, server)

	checkRun(t, ctx, h, impl, len(rows), stats)
	return r
}

// checkRun fails t unless the drain did exactly its job; see the package
// documentation.
func checkRun(t *testing.T, ctx context.Context, h handle, impl string, backlog int, stats []workerStats) {
	t.Helper()
	got, err := h.check(ctx)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	total := 0
	for _, s := range stats {
		total += s.Fires
		if s.LeaseLost != 0 || s.AlreadyFired != 0 {
			t.Errorf("%s: %d leases lost, %d occurrences already fired; want none with a %v lease",
				s.Owner, s.LeaseLost, s.AlreadyFired, runner.DefaultLease)
		}
	}
	if total != backlog {
		t.Errorf("workers report %d fires between them; want the backlog, %d", total, backlog)
	}
	if got.StillDue != 0 {
		t.Errorf("%d tasks still have a next run; want 0", got.StillDue)
	}
	n := int64(backlog)
	if impl == implBaseline {
		if got.Fires != 0 {
			t.Errorf("the baseline wrote %d ledger rows; want 0", got.Fires)
		}
		return
	}
	if got.Fires != n || got.DistinctTasks != n || got.AtOccurrence != n {
		t.Errorf("ledger: %d rows, %d distinct tasks, %d at the task's occurrence; want %d of each",
			got.Fires, got.DistinctTasks, got.AtOccurrence, n)
	}
	if got.Unfinished != 0 {
		t.Errorf("%d tasks still enabled or leased; want 0", got.Unfinished)
	}
	for _, s := range stats {
		if got.ByOwner[s.Owner] != int64(s.Fires) {
			t.Errorf("%s: ledger holds %d of its fires; it completed %d", s.Owner, got.ByOwner[s.Owner], s.Fires)
		}
	}
}

// table renders the medians of one target as Markdown: ours (an
// implementation other than the baseline) beside the baseline.
func table(name, ours string, backlog, reps int, results map[cell][]runResult) string {
	med := func(c cell) (runResult, float64, float64, bool) {
		rs := slices.Clone(results[c])
		if len(rs) == 0 {
			return runResult{}, 0, 0, false
		}
		slices.SortFunc(rs, func(a, b runResult) int { return cmp.Compare(a.rate(), b.rate()) })
		// With an even count the lower middle: a run that happened, not an
		// average of two.
		return rs[(len(rs)-1)/2], rs[0].rate(), rs[len(rs)-1].rate(), true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s, %s: backlog %d, median of %d runs [min–max]\n\n", name, ours, backlog, reps)
	b.WriteString("| procs | ours fires/s | baseline fires/s | ours/baseline | ours scaling | baseline scaling | empty claims ours / baseline | busiest worker ours / baseline |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	one := map[string]float64{}
	for _, procs := range procCounts {
		o, olo, ohi, okO := med(cell{ours, procs})
		bl, blo, bhi, okB := med(cell{implBaseline, procs})
		if procs == 1 {
			one[implOurs], one[implBaseline] = o.rate(), bl.rate()
		}
		rate := func(r runResult, lo, hi float64, ok bool) string {
			if !ok {
				return "—"
			}
			return fmt.Sprintf("%.0f [%.0f–%.0f]", r.rate(), lo, hi)
		}
		ratio := func(a, b float64, ok bool) string {
			if !ok || b == 0 {
				return "—"
			}
			return fmt.Sprintf("%.2f", a/b)
		}
		share := func(r runResult, ok bool) string {
			if !ok {
				return "—"
			}
			return fmt.Sprintf("%.0f%%", 100*r.busiest())
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s / %s | %s / %s |\n", procs,
			rate(o, olo, ohi, okO), rate(bl, blo, bhi, okB),
			ratio(o.rate(), bl.rate(), okO && okB),
			ratio(o.rate(), one[implOurs], okO), ratio(bl.rate(), one[implBaseline], okB),
			intOrDash(o.empty(), okO), intOrDash(bl.empty(), okB),
			share(o, okO), share(bl, okB))
	}
	return b.String()
}

func intOrDash(n int, ok bool) string {
	if !ok {
		return "—"
	}
	return strconv.Itoa(n)
}

// loadAverage is the machine's 1-minute load average when the run
// starts, for reading the results: the machine is shared, and a busy
// minute shows in the timings.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	first, _, _ := strings.Cut(string(b), " ")
	return first
}

func envInt(t *testing.T, env string, def, least int) int {
	t.Helper()
	s := os.Getenv(env)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < least {
		t.Fatalf("%s=%q: want an integer of at least %d", env, s, least)
	}
	return n
}

// worker is one worker process seen from the parent.
type worker struct {
	owner  string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan line // its stdout, line by line; closed at EOF
	stderr bytes.Buffer
	waited bool
	err    error
}

// line is a line of a worker's output and when the parent read it: the
// end of a drain is when its report arrives here, not when the process
// has finished exiting.
type line struct {
	text string
	at   time.Time
}

func startWorker(ctx context.Context, impl, url, owner string) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// -test.run=^$: should TestMain ever not take the worker branch, run
	// no tests rather than start workers recursively.
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envWorker+"="+impl, envURL+"="+url, envOwner+"="+owner,
		envLimit+"="+strconv.Itoa(runner.DefaultClaimLimit))
	cmd.WaitDelay = 5 * time.Second
	w := &worker{owner: owner, cmd: cmd, lines: make(chan line, 4)}
	cmd.Stderr = &w.stderr
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(w.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			w.lines <- line{sc.Text(), time.Now()}
		}
	}()
	return w, nil
}

// next returns the worker's next line. If it exits first, the error is its
// exit status and standard error.
func (w *worker) next(ctx context.Context, deadline <-chan time.Time) (line, error) {
	select {
	case l, ok := <-w.lines:
		if ok {
			return l, nil
		}
		if err := w.wait(); err != nil {
			return line{}, err
		}
		return line{}, fmt.Errorf("%s exited without reporting", w.owner)
	case <-deadline:
		return line{}, fmt.Errorf("%s: not ready after %v", w.owner, readyTimeout)
	case <-ctx.Done():
		return line{}, fmt.Errorf("%s: %w", w.owner, ctx.Err())
	}
}

// wait closes the worker's input and waits for it to exit, once. It reads
// the rest of the output first, as exec.Cmd requires of a pipe's reader;
// a worker that does not exit on its own is killed by the run's context.
func (w *worker) wait() error {
	if !w.waited {
		w.waited = true
		w.stdin.Close()
		for range w.lines {
		}
		if err := w.cmd.Wait(); err != nil {
			w.err = fmt.Errorf("%s: %v; stderr:\n%s", w.owner, err, w.stderr.String())
		}
	}
	return w.err
}
