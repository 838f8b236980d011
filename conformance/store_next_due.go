package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testNextDue(t *testing.T, s *suite) {
	s.storeLeaf(t, "earliest_enabled", func(t *testing.T, st schedstore.Store) {
		wantNextDue(t, st, "empty store", time.Time{}, false)
		mustCreateAll(t, st,
			dueTask("no-next", 0, nil),
			taskWith("disabled", func(t *schedstore.Task) { t.NextRunAt, t.Enabled = at(past), false }),
		)
		wantNextDue(t, st, "only disabled or unscheduled tasks", time.Time{}, false)
		mustCreateAll(t, st,
			dueTask("later", 9, at(base.Add(time.Hour))),
			dueTask("soonest", 0, at(base.Add(time.Microsecond))),
			dueTask("soon", 5, at(base.Add(2*time.Microsecond))),
		)
		wantNextDue(t, st, "three scheduled", base.Add(time.Microsecond), true)
	})

	s.storeLeaf(t, "counts_leased_and_past", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		mustClaimOne(t, st, "worker", base, "job")
		// A leased, overdue task still counts: the sleep it gives is zero,
		// and the scheduler's next pass finds the lease.
		wantNextDue(t, st, "leased task", past, true)
	})
}

func wantNextDue(t *testing.T, st schedstore.Store, what string, want time.Time, wantOK bool) {
	t.Helper()
	got, ok, err := st.NextDue(t.Context())
	if err != nil {
		t.Fatalf("NextDue (%s): %v", what, err)
	}
	if ok != wantOK || !got.Equal(want) || (ok && got.Location() != time.UTC) {
		t.Errorf("NextDue (%s) = %v, %v; want %v, %v (in UTC)", what, got, ok, want, wantOK)
	}
}
