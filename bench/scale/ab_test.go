package scale

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
)

// Settings of TestClaimAB, from the environment.
const (
	envABURL  = "SCHEDSTORE_BENCH_AB_URL"  // a database of its own (any dialect), kept between runs; unset: skip
	envABMode = "SCHEDSTORE_BENCH_AB_MODE" // fill (1M tasks, 100 due), backlog (100,090 due), or measure (default)
	envABReps = "SCHEDSTORE_BENCH_AB_REPS" // rounds per measure (default 200)
)

// abFixture is the task Get reads: never due.
const abFixture = "ab-fixture"

// TestClaimAB times ClaimDue, with the caller's now (t0) and with the
// database's clock, beside Get, on one database that outlives the run, so
// that two builds of the library (two worktrees, this file in each) can
// take turns on the same table in short bursts: on a shared machine the
// load drifts more between two bench-scale runs than the change to
// measure. It prints one line per run: the medians, in µs. See README.md.
func TestClaimAB(t *testing.T) {
	url := os.Getenv(envABURL)
	if url == "" {
		t.Skipf("a benchmark, not a test: set %s to a database of its own (see bench/scale/README.md)", envABURL)
	}
	ctx := context.Background()
	st, err := adapter.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := fillerFor(st, adapter.Dialect(url))
	if err != nil {
		t.Fatalf("%s: %v", envABURL, err)
	}
	switch mode := os.Getenv(envABMode); mode {
	case "fill":
		fixture := schedstore.NewCron("scale-fixture", "0 * * * *")
		fixture.ID = abFixture
		fixture.NextRunAt = ptr(t0.Add(100 * 24 * time.Hour))
		if err := st.Create(ctx, fixture); err != nil {
			t.Fatal(err)
		}
		if err := f.fill(ctx, 1, 1_000_000); err != nil {
			t.Fatal(err)
		}
		if err := f.analyze(ctx); err != nil {
			t.Fatal(err)
		}
		return
	case "backlog":
		if err := f.backlog(ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.analyze(ctx); err != nil {
			t.Fatal(err)
		}
		return
	case "", "measure":
	default:
		t.Fatalf("%s: unknown mode %q", envABMode, mode)
	}
	reps := 200
	if s := os.Getenv(envABReps); s != "" {
		if reps, err = strconv.Atoi(s); err != nil || reps < 1 {
			t.Fatalf("%s: bad value %q", envABReps, s)
		}
	}
	samples := map[string][]time.Duration{}
	timed := func(op string, fn func() error) {
		start := time.Now()
		err := fn()
		samples[op] = append(samples[op], time.Since(start))
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	for range reps {
		timed("Get", func() error { _, err := st.Get(ctx, abFixture); return err })
		var claims, clockClaims []schedstore.Claim
		timed("ClaimDue", func() error {
			var err error
			claims, err = st.ClaimDue(ctx, "ab", t0, 30*time.Second, claimLimit)
			if err == nil && len(claims) != claimLimit {
				err = fmt.Errorf("%d claims, want %d", len(claims), claimLimit)
			}
			return err
		})
		// The database's clock is years before t0: nothing is due at it.
		timed("ClaimDue (db clock)", func() error {
			var err error
			clockClaims, err = st.ClaimDue(ctx, "ab", time.Time{}, 30*time.Second, claimLimit)
			return err
		})
		// Untimed: give the claims back, so every round sees the same due set.
		for _, c := range append(claims, clockClaims...) {
			if err := st.ReleaseClaim(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	med := func(op string) float64 {
		s := samples[op]
		slices.Sort(s)
		return float64(s[len(s)/2]) / float64(time.Microsecond)
	}
	fmt.Printf("AB get_us=%.0f claim_us=%.0f clock_us=%.0f\n", med("Get"), med("ClaimDue"), med("ClaimDue (db clock)"))
}
