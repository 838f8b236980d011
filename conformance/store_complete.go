package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testComplete(t *testing.T, s *suite) {
	s.storeLeaf(t, "records_fire_and_advances", func(t *testing.T, st schedstore.Store) {
		created := mustCreate(t, st, dueTask("job", 0, at(base)))
		// A lease far longer than the step to the next run: claiming that run
		// proves the completion released the lease, not its expiry.
		claims := mustClaim(t, st, "worker-a", base, 24*time.Hour, 1)
		if len(claims) != 1 {
			t.Fatalf("ClaimDue claimed %q, want [job]", claimIDs(claims))
		}
		c, next := claims[0], base.Add(time.Hour)
		before := time.Now()
		mustComplete(t, st, c, at(next.Add(999*time.Nanosecond).In(stJohns)))
		after := time.Now()

		got := mustGet(t, st, "job")
		want := *created
		want.LastRunAt, want.NextRunAt = at(base), at(next)
		want.Version++
		diff(t, "Get after CompleteClaim (UpdatedAt aside)", &want, got, ignoreUpdatedAt)
		// Like UpdateRunTimes, a completion is a change of the row.
		wantNow(t, "UpdatedAt after CompleteClaim", got.UpdatedAt, before, after)

		fires := mustFires(t, st, "job", 0)
		diff(t, "ListFires after CompleteClaim", []schedstore.Fire{fireOf(c)}, fires, ignoreFireClock)
		if len(fires) == 1 {
			wantNow(t, "FinishedAt", fires[0].FinishedAt, before, after)
		}

		wantNoClaim(t, st, "ClaimDue before the new NextRunAt", "worker-b", next.Add(-time.Microsecond))
		again := mustClaimOne(t, st, "worker-b", next, "job")
		diff(t, "the next claim's occurrence", next, again.ScheduledFor)
	})

	s.storeLeaf(t, "twice_is_lease_lost", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		c := mustClaimOne(t, st, "worker", base, "job")
		mustComplete(t, st, c, at(base.Add(time.Hour)))
		before := mustGet(t, st, "job")
		wantIs(t, "second CompleteClaim of one claim", st.CompleteClaim(t.Context(), c, at(base.Add(2*time.Hour))),
			schedstore.ErrLeaseLost)
		diff(t, "Get after the second CompleteClaim", before, mustGet(t, st, "job"))
		diff(t, "ListFires after the second CompleteClaim", []schedstore.Fire{fireOf(c)},
			mustFires(t, st, "job", 0), ignoreFireClock)
	})

	s.storeLeaf(t, "nil_next_run_disables", func(t *testing.T, st schedstore.Store) {
		created := mustCreate(t, st, dueTask("once", 0, at(base)))
		c := mustClaimOne(t, st, "worker", base, "once")
		mustComplete(t, st, c, nil)
		want := *created
		want.LastRunAt, want.NextRunAt, want.Enabled = at(base), nil, false
		want.Version++
		diff(t, "Get after CompleteClaim with no next run", &want, mustGet(t, st, "once"), ignoreUpdatedAt)
		diff(t, "ListFires", []schedstore.Fire{fireOf(c)}, mustFires(t, st, "once", 0), ignoreFireClock)
		wantNoClaim(t, st, "ClaimDue of a finished task", "worker", base.Add(24*time.Hour))
	})

	s.storeLeaf(t, "already_fired", func(t *testing.T, st schedstore.Store) {
		created := mustCreate(t, st, dueTask("job", 0, at(base)))
		first := mustClaimOne(t, st, "worker-a", base, "job")
		mustComplete(t, st, first, at(base.Add(time.Hour)))
		// An editor sets the task back to the occurrence that has fired.
		if err := st.UpdateRunTimes(t.Context(), "job", base, base); err != nil {
			t.Fatalf("UpdateRunTimes: %v", err)
		}
		again := mustClaimOne(t, st, "worker-b", base, "job")
		diff(t, "the repeated occurrence", base, again.ScheduledFor)
		next := base.Add(2 * time.Hour)
		wantIs(t, "CompleteClaim of a fired occurrence", st.CompleteClaim(t.Context(), again, at(next)),
			schedstore.ErrAlreadyFired)

		want := *created
		want.LastRunAt, want.NextRunAt = at(base), at(next)
		want.Version += 3 // two completions and UpdateRunTimes
		diff(t, "Get after ErrAlreadyFired: advanced all the same", &want, mustGet(t, st, "job"), ignoreUpdatedAt)
		// The ledger keeps its first record of the occurrence.
		diff(t, "ListFires after ErrAlreadyFired", []schedstore.Fire{fireOf(first)},
			mustFires(t, st, "job", 0), ignoreFireClock)
		// The lease was released: the next run is claimable at once.
		mustClaimOne(t, st, "worker-c", next, "job")
	})

	// CompleteClaim bumps Version, so an editor who read the task before the
	// run cannot write its old run times back.
	s.storeLeaf(t, "bumps_version", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		read := mustGet(t, st, "job")
		c := mustClaimOne(t, st, "worker", base, "job")
		mustComplete(t, st, c, at(base.Add(time.Hour)))
		completed := mustGet(t, st, "job")
		if completed.Version != read.Version+1 {
			t.Errorf("Version after CompleteClaim = %d, want %d", completed.Version, read.Version+1)
		}
		stale := cloneTask(read)
		stale.Description = "edited from the read before the run"
		wantIs(t, "Update at the Version before CompleteClaim", st.Update(t.Context(), stale), schedstore.ErrConflict)
		diff(t, "Get after the conflicting Update", completed, mustGet(t, st, "job"))
		fresh := cloneTask(completed)
		fresh.Description = "edited from a read after the run"
		if err := st.Update(t.Context(), fresh); err != nil {
			t.Errorf("Update at the Version after CompleteClaim: %v", err)
		}
	})
}
