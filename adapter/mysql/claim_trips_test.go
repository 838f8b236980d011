package mysql_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// TestClaimDueRoundTrips counts what one ClaimDue costs on the wire, with
// the caller's now and with the database's: one statement before the claim
// (ClaimClock or ClaimClockAt: the clock, whether a request is due, whether
// a task is, the priorities), then BEGIN, SelectDueForClaim, LeaseTasks,
// COMMIT; when no task is due, that one statement alone. Before
// the priorities came with the clock it was six either way: the clock (or,
// with the caller's now, RequestCandidates every time), BEGIN,
// ClaimPriorities, select, lease, COMMIT. A queued request adds its own
// reads and leases (logged, not asserted).
func TestClaimDueRoundTrips(t *testing.T) {
	t.Parallel()
	b, trips := newCountedStore(t)
	ctx := t.Context()
	count := func(name string, now time.Time, wantClaims int) int64 {
		t.Helper()
		var n int64
		for range 2 { // the first call warms up
			before := trips()
			claims, err := b.ClaimDue(ctx, "rt", now, 10*time.Second, 2)
			n = trips() - before
			if err != nil {
				t.Fatalf("%s: ClaimDue: %v", name, err)
			}
			if len(claims) != wantClaims {
				t.Fatalf("%s: %d claims, want %d", name, len(claims), wantClaims)
			}
			for _, c := range claims { // untimed, uncounted: the next call sees the same due set
				if err := b.ReleaseClaim(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Logf("ClaimDue, %s: %d round trips", name, n)
		return n
	}

	// An empty table: the clock statement finds no priority, so nothing
	// to claim; with the database's clock, its now is read apart (it
	// comes with the priorities, and there are none).
	count("empty table, database clock", time.Time{}, 0)
	count("empty table, caller's now", t0, 0)

	// A task, due at neither clock: the clock statement says so, and the
	// claim transaction is not begun.
	later := schedstore.NewCron("later", "@hourly")
	later.NextRunAt = ptr(t0.Add(365 * 24 * time.Hour))
	if err := b.Create(ctx, later); err != nil {
		t.Fatal(err)
	}
	if n := count("nothing due, database clock", time.Time{}, 0); n != 1 {
		t.Errorf("ClaimDue with nothing due, database clock: %d round trips, want 1", n)
	}
	if n := count("nothing due, caller's now", t0, 0); n != 1 {
		t.Errorf("ClaimDue with nothing due, caller's now: %d round trips, want 1", n)
	}

	// Due at t0 (2030) and due at the database's now, over priorities 0..2.
	for i := range 6 {
		task := schedstore.NewCron(fmt.Sprintf("job-%d", i), "@hourly")
		task.Priority = i % 3
		task.NextRunAt = ptr(t0.Add(-time.Duration(i+1) * time.Minute))
		if i%2 == 0 {
			task.NextRunAt = ptr(time.Now().Add(-time.Hour - time.Duration(i)*time.Minute))
		}
		if err := b.Create(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	const want = 5 // the clock statement, BEGIN, select, lease, COMMIT
	if n := count("due tasks, database clock", time.Time{}, 2); n != want {
		t.Errorf("ClaimDue with the database clock made %d round trips, want %d", n, want)
	}
	if n := count("due tasks, caller's now", t0, 2); n != want {
		t.Errorf("ClaimDue with the caller's now made %d round trips, want %d", n, want)
	}

	// A queued request: read the queue, lease its task, then the rest.
	tasks, err := b.ListAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Trigger(ctx, tasks[0].ID); err != nil {
		t.Fatal(err)
	}
	count("a request due, caller's now", t0, 2)
}
