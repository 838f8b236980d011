package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

func testRelease(t *testing.T, s *suite) {
	s.storeLeaf(t, "claimable_again_at_once", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		before := mustGet(t, st, "job")
		first := mustClaimOne(t, st, "worker-a", base, "job")
		if err := st.ReleaseClaim(t.Context(), first); err != nil {
			t.Fatalf("ReleaseClaim: %v", err)
		}
		// Releasing is not firing: no task field changes, no fire.
		diff(t, "Get after ReleaseClaim", before, mustGet(t, st, "job"))
		wantNoFires(t, st, "after ReleaseClaim", "job")
		// The same clock as the released claim: nothing has to expire.
		second := mustClaimOne(t, st, "worker-b", base, "job")
		diff(t, "the claim after the release", first.ScheduledFor, second.ScheduledFor)
		wantIs(t, "ReleaseClaim of the released claim", st.ReleaseClaim(t.Context(), first), schedstore.ErrLeaseLost)
		wantIs(t, "CompleteClaim of the released claim", st.CompleteClaim(t.Context(), first, nil), schedstore.ErrLeaseLost)
		diff(t, "Get after the stale calls", before, mustGet(t, st, "job"))
		wantNoClaim(t, st, "ClaimDue while the second claim holds", "worker-c", base)
		mustComplete(t, st, second, nil)
	})

	s.storeLeaf(t, "twice_is_lease_lost", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		c := mustClaimOne(t, st, "worker", base, "job")
		if err := st.ReleaseClaim(t.Context(), c); err != nil {
			t.Fatalf("ReleaseClaim: %v", err)
		}
		// Nobody claimed since, yet the claim is no longer current.
		wantIs(t, "second ReleaseClaim", st.ReleaseClaim(t.Context(), c), schedstore.ErrLeaseLost)
		wantIs(t, "CompleteClaim after ReleaseClaim", st.CompleteClaim(t.Context(), c, nil), schedstore.ErrLeaseLost)
		wantNoFires(t, st, "after the stale CompleteClaim", "job")
		mustClaimOne(t, st, "worker", base, "job")
	})
}
