package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// testStoreArguments asserts that bad arguments fail with ErrInvalidTask
// and change nothing. Only the sentinel is asserted: the contract names
// no FieldError.Field for arguments that are not Task fields.
func testStoreArguments(t *testing.T, s *suite) {
	s.storeLeaf(t, "claim_due", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		before := mustListAll(t, st)
		for _, c := range []struct {
			name  string
			owner string
			lease time.Duration
			limit int
		}{
			{"empty owner", "", testLease, 1},
			{"owner over 255 bytes", strings.Repeat("o", schedstore.MaxNameBytes+1), testLease, 1},
			{"zero lease", "worker", 0, 1},
			{"negative lease", "worker", -time.Second, 1},
			{"zero limit", "worker", testLease, 0},
			{"negative limit", "worker", testLease, -1},
		} {
			got, err := st.ClaimDue(t.Context(), c.owner, base, c.lease, c.limit)
			wantIs(t, "ClaimDue with "+c.name, err, schedstore.ErrInvalidTask)
			if len(got) != 0 {
				t.Errorf("ClaimDue with %s claimed %q beside the error", c.name, claimIDs(got))
			}
		}
		diff(t, "ListAll after the rejected claims", before, mustListAll(t, st))
		// Nothing was leased: the task is claimable.
		mustClaimOne(t, st, strings.Repeat("o", schedstore.MaxNameBytes), base, "job")
	})

	s.storeLeaf(t, "nil_claim_task", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		c := mustClaimOne(t, st, "worker", base, "job")
		bare := c
		bare.Task = nil
		wantIs(t, "CompleteClaim with a nil Task", st.CompleteClaim(t.Context(), bare, at(base.Add(time.Hour))),
			schedstore.ErrInvalidTask)
		wantIs(t, "ReleaseClaim with a nil Task", st.ReleaseClaim(t.Context(), bare), schedstore.ErrInvalidTask)
		wantIs(t, "ReturnClaim with a nil Task", st.ReturnClaim(t.Context(), bare), schedstore.ErrInvalidTask)
		wantNoFires(t, st, "after the rejected CompleteClaim", "job")
		// The claim itself is intact.
		mustComplete(t, st, c, nil)
	})
}
