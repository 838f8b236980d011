package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// TestClaimDueRoundTrips counts what one ClaimDue costs on the wire, with
// the caller's now and with the database's: ClaimClock or ClaimClockAt
// (the clock, whether a request is due, whether a task is), then, when a
// task is due, ClaimDueTasks (one statement: pick, lock and lease). A
// claim that finds nothing is the first statement alone.
func TestClaimDueRoundTrips(t *testing.T) {
	t.Parallel()
	b, trips := newCountedStore(t)
	ctx := t.Context()
	t0 := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	count := func(name string, now time.Time, wantClaims int) int64 {
		t.Helper()
		var n int64
		for range 2 { // the first call warms up (pgx describes each statement once)
			before := trips()
			claims, err := b.ClaimDue(ctx, "rt", now, 10*time.Second, 2)
			n = trips() - before
			if err != nil {
				t.Fatalf("%s: ClaimDue: %v", name, err)
			}
			if len(claims) != wantClaims {
				t.Fatalf("%s: %d claims, want %d", name, len(claims), wantClaims)
			}
			for _, c := range claims { // uncounted: the next call sees the same due set
				if err := b.ReleaseClaim(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Logf("ClaimDue, %s: %d round trips", name, n)
		return n
	}
	check := func(name string, now time.Time, wantClaims int, want int64) {
		t.Helper()
		if n := count(name, now, wantClaims); n != want {
			t.Errorf("ClaimDue, %s: %d round trips, want %d", name, n, want)
		}
	}

	check("empty table, database clock", time.Time{}, 0, 1)
	check("empty table, caller's now", t0, 0, 1)

	later := schedstore.NewCron("later", "@hourly")
	next := t0.Add(365 * 24 * time.Hour)
	later.NextRunAt = &next
	if err := b.Create(ctx, later); err != nil {
		t.Fatal(err)
	}
	check("nothing due, database clock", time.Time{}, 0, 1)
	check("nothing due, caller's now", t0, 0, 1)

	// Due at t0 (2030) and due at the database's now, over priorities 0..2.
	for i := range 6 {
		task := schedstore.NewCron(fmt.Sprintf("job-%d", i), "@hourly")
		task.Priority = i % 3
		due := t0.Add(-time.Duration(i+1) * time.Minute)
		if i%2 == 0 {
			due = time.Now().Add(-time.Hour - time.Duration(i)*time.Minute)
		}
		task.NextRunAt = &due
		if err := b.Create(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	check("due tasks, database clock", time.Time{}, 2, 2)
	check("due tasks, caller's now", t0, 2, 2)
}
