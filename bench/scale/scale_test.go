package scale

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/internal/testdb"
)

// Settings, from the environment.
const (
	envEnable = "SCHEDSTORE_BENCH_SCALE"       // 1: run; anything else: skip
	envSizes  = "SCHEDSTORE_BENCH_SCALE_SIZES" // comma-separated table sizes (default 10000,100000,1000000)
	envReps   = "SCHEDSTORE_BENCH_SCALE_REPS"  // timed calls per op and step (default 30)
	envDBs    = "SCHEDSTORE_BENCH_SCALE_DBS"   // comma-separated dialects (default postgres,mysql,sqlite)
	envOut    = "SCHEDSTORE_BENCH_SCALE_OUT"   // also write the Markdown tables to this file
)

const (
	usualDue   = 100 // due tasks in the usual steps: rows 1..100
	claimLimit = 32
	// backlogEvery: the backlog step makes every 10th row due (100,000 at 1M).
	backlogEvery = 10
)

// t0 is the instant every step asks about: ListDue(t0), ClaimDue(now=t0).
var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// ClaimDue (db clock) is ClaimDue with a zero now, as the runner claims:
// the database's clock, which is years before t0, so nothing is due at it;
// what it measures is the claim's fixed cost on that path (the clock
// statement and an empty claim), not leasing.
var ops = []string{"Create", "Get", "ListDue", "FindByDefinition", "UpdateRunTimes", "NextDue", "ClaimDue", "ClaimDue (db clock)"}

// filler grows the table with bulk SQL (untimed) and makes the backlog due.
type filler interface {
	fill(ctx context.Context, from, to int) error // rows from..to inclusive, rows <= usualDue due
	backlog(ctx context.Context) error            // every backlogEvery-th row due
	analyze(ctx context.Context) error
}

func TestScale(t *testing.T) {
	if os.Getenv(envEnable) != "1" {
		t.Skipf("a benchmark, not a test: set %s=1 to run it (make bench-scale; see bench/scale/README.md)", envEnable)
	}
	sizes, reps, dbs := settings(t)
	var out strings.Builder
	for _, db := range dbs {
		t.Run(db, func(t *testing.T) {
			table := runDialect(t, db, sizes, reps)
			t.Log("\n" + table)
			fmt.Fprintf(&out, "#### %s\n\n%s\n", db, table)
		})
	}
	if path := os.Getenv(envOut); path != "" {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// settings reads the sizes, the repetitions and the databases from the
// environment.
func settings(t *testing.T) (sizes []int, reps int, dbs []string) {
	sizes = []int{10_000, 100_000, 1_000_000}
	if s := os.Getenv(envSizes); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1000 {
				t.Fatalf("%s: bad size %q", envSizes, f)
			}
			sizes = append(sizes, n)
		}
	}
	reps = 30
	if s := os.Getenv(envReps); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s: bad value %q", envReps, s)
		}
		reps = n
	}
	dbs = []string{"postgres", "mysql", "sqlite"}
	if s := os.Getenv(envDBs); s != "" {
		dbs = strings.Split(s, ",")
	}
	return sizes, reps, dbs
}

func runDialect(t *testing.T, dialect string, sizes []int, reps int) string {
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
	be, err := adapter.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.Close() })
	st := be
	f, err := fillerFor(st, dialect)
	if err != nil {
		t.Fatal(err)
	}

	// The fixture Get, FindByDefinition and UpdateRunTimes work on: made
	// through the API, so it carries its real fingerprint; never due.
	fixture := schedstore.NewCron("scale-fixture", "0 * * * *")
	fixture.NextRunAt = ptr(t0.Add(100 * 24 * time.Hour))
	if err := st.Create(ctx, fixture); err != nil {
		t.Fatal(err)
	}

	type step struct {
		name string
		size int
		due  int
	}
	var steps []step
	for _, n := range sizes {
		steps = append(steps, step{fmtCount(n), n, min(usualDue, n)})
	}
	last := sizes[len(sizes)-1]
	steps = append(steps, step{fmtCount(last) + " backlog", last, usualDue + (last-usualDue)/backlogEvery})

	results := map[string]map[string]time.Duration{} // step -> op -> median
	filled := 0
	for _, s := range steps {
		start := time.Now()
		if s.size > filled {
			if err := f.fill(ctx, filled+1, s.size); err != nil {
				t.Fatalf("fill %d..%d: %v", filled+1, s.size, err)
			}
			filled = s.size
		} else if err := f.backlog(ctx); err != nil {
			t.Fatalf("backlog: %v", err)
		}
		if err := f.analyze(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: step %s ready in %v", dialect, s.name, time.Since(start).Round(time.Millisecond))
		if due, err := st.ListDue(ctx, t0); err != nil || len(due) != s.due {
			t.Fatalf("%s: ListDue: %d tasks, %v; want %d", s.name, len(due), err, s.due)
		}
		results[s.name] = measure(t, st, fixture, reps, s.due)
	}

	var b strings.Builder
	b.WriteString("| op |")
	for _, s := range steps {
		fmt.Fprintf(&b, " %s, %d due |", s.name, s.due)
	}
	fmt.Fprintf(&b, " %s/%s | backlog/%s |\n|---|", steps[len(steps)-2].name, steps[0].name, steps[len(steps)-2].name)
	for range steps {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|\n")
	for _, op := range ops {
		fmt.Fprintf(&b, "| %s |", op)
		for _, s := range steps {
			fmt.Fprintf(&b, " %s |", fmtDur(results[s.name][op]))
		}
		big, small, bl := results[steps[len(steps)-2].name][op], results[steps[0].name][op], results[steps[len(steps)-1].name][op]
		fmt.Fprintf(&b, " %.2f | %.2f |\n", float64(big)/float64(small), float64(bl)/float64(big))
	}
	return b.String()
}

// measure times each op reps times, the ops taking turns (one call of each
// per round) so a busy moment of the machine spreads over all of them, and
// returns the median per op. ListDue in a big backlog returns every due
// task, so it gets fewer calls.
func measure(t *testing.T, st schedstore.Store, fixture *schedstore.Task, reps, due int) map[string]time.Duration {
	ctx := context.Background()
	samples := map[string][]time.Duration{}
	var created []string
	timed := func(op string, fn func() error) {
		start := time.Now()
		err := fn()
		samples[op] = append(samples[op], time.Since(start))
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	listDueReps := reps
	if due > 1000 {
		listDueReps = min(reps, 5)
	}
	for i := range reps {
		task := schedstore.NewCron(fmt.Sprintf("scale-create-%d", i), "0 * * * *")
		task.NextRunAt = ptr(t0.Add(200 * 24 * time.Hour))
		timed("Create", func() error { return st.Create(ctx, task) })
		created = append(created, task.ID)
		timed("Get", func() error { _, err := st.Get(ctx, fixture.ID); return err })
		if i < listDueReps {
			timed("ListDue", func() error {
				got, err := st.ListDue(ctx, t0)
				if err == nil && len(got) != due {
					err = fmt.Errorf("%d tasks, want %d", len(got), due)
				}
				return err
			})
		}
		timed("FindByDefinition", func() error {
			_, err := st.FindByDefinition(ctx, fixture.TaskName, fixture.ScheduleType, fixture.Schedule, nil, nil)
			return err
		})
		timed("UpdateRunTimes", func() error {
			return st.UpdateRunTimes(ctx, fixture.ID, t0, t0.Add(100*24*time.Hour+time.Duration(i)*time.Microsecond))
		})
		timed("NextDue", func() error { _, _, err := st.NextDue(ctx); return err })
		var claims []schedstore.Claim
		timed("ClaimDue", func() error {
			var err error
			claims, err = st.ClaimDue(ctx, "scale", t0, 30*time.Second, claimLimit)
			if err == nil && len(claims) != min(claimLimit, due) {
				err = fmt.Errorf("%d claims, want %d", len(claims), min(claimLimit, due))
			}
			return err
		})
		var clockClaims []schedstore.Claim
		timed("ClaimDue (db clock)", func() error {
			var err error
			clockClaims, err = st.ClaimDue(ctx, "scale", time.Time{}, 30*time.Second, claimLimit)
			return err
		})
		// Untimed: give the claims back, so every round sees the same due set.
		for _, c := range append(claims, clockClaims...) {
			if err := st.ReleaseClaim(ctx, c); err != nil {
				t.Fatalf("ReleaseClaim: %v", err)
			}
		}
	}
	for _, id := range created {
		if _, err := st.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	med := map[string]time.Duration{}
	for op, s := range samples {
		slices.Sort(s)
		med[op] = s[len(s)/2]
	}
	return med
}

func ptr[T any](v T) *T { return &v }

func fmtCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

func fmtDur(d time.Duration) string {
	us := float64(d) / float64(time.Microsecond)
	if us >= 10_000 {
		return fmt.Sprintf("%.1f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}
