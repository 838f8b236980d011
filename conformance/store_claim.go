package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testClaim(t *testing.T, s *suite) {
	s.storeLeaf(t, "due_order_limit_and_fields", func(t *testing.T, st schedstore.Store) {
		byID := mustCreateAll(t, st,
			dueTask("p5-b", 5, at(base.Add(-time.Hour))),
			dueTask("p5-a", 5, at(base.Add(-time.Hour))),
			dueTask("p5-early", 5, at(base.Add(-2*time.Hour))),
			dueTask("p0-now", 0, at(base)),
			dueTask("neg", -3, at(past)),
			dueTask("future", 9, at(base.Add(time.Microsecond))))
		before := mustListAll(t, st)
		want := func(owner string, now time.Time, ids ...string) []schedstore.Claim {
			out := make([]schedstore.Claim, len(ids))
			for i, task := range pick(t, byID, ids...) {
				out[i] = claimOf(task, owner, now, testLease)
			}
			return out
		}
		diff(t, "ClaimDue limit 2 (ListDue order)", want("worker-a", base, "p5-early", "p5-a"),
			mustClaim(t, st, "worker-a", base, testLease, 2), ignoreToken)
		// A clock with nanoseconds, in another zone: ClaimedAt and
		// LeaseUntil come back in the stored form, like every time.
		now := base.Add(789 * time.Nanosecond).In(kolkata)
		diff(t, "ClaimDue of the rest", want("worker-b", now, "p5-b", "p0-now", "neg"),
			mustClaim(t, st, "worker-b", now, testLease, 10), ignoreToken)
		wantNoClaim(t, st, "ClaimDue once every due task is leased", "worker-c", base)
		// A claim changes no task field: not Version, not UpdatedAt.
		diff(t, "ListAll after the claims", before, mustListAll(t, st))
	})

	s.storeLeaf(t, "skips_disabled_unscheduled_and_future", func(t *testing.T, st schedstore.Store) {
		mustCreateAll(t, st,
			taskWith("disabled", func(t *schedstore.Task) { t.NextRunAt, t.Enabled, t.Priority = at(past), false, 9 }),
			dueTask("unscheduled", 9, nil),
			dueTask("future", 9, at(base.Add(time.Microsecond))))
		before := mustListAll(t, st)
		wantNoClaim(t, st, "ClaimDue with no due task", "worker", base)
		diff(t, "ListAll after claiming nothing", before, mustListAll(t, st))
		// Enabled again, the task is claimable: it was skipped for being
		// disabled, not left leased.
		enabled := taskWith("disabled", func(t *schedstore.Task) { t.NextRunAt, t.Priority = at(past), 9 })
		if err := st.Update(t.Context(), enabled); err != nil {
			t.Fatalf("Update: %v", err)
		}
		mustClaimOne(t, st, "worker", base, "disabled")
	})

	s.storeLeaf(t, "database_clock", func(t *testing.T, st schedstore.Store) {
		now := time.Now()
		byID := mustCreateAll(t, st,
			dueTask("hour-ago", 0, at(now.Add(-time.Hour))),
			dueTask("hour-ahead", 0, at(now.Add(time.Hour))))
		before := time.Now()
		got := mustClaim(t, st, "worker", time.Time{}, testLease, 10)
		after := time.Now()
		if len(got) != 1 {
			t.Fatalf("ClaimDue with a zero now claimed %q, want [hour-ago]", claimIDs(got))
		}
		c := got[0]
		wantNow(t, "ClaimedAt with a zero now", c.ClaimedAt, before, after)
		diff(t, "claim by the database clock", claimOf(byID["hour-ago"], "worker", c.ClaimedAt, testLease), c, ignoreToken)
	})

	s.storeLeaf(t, "lease_blocks_until_it_ends", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		mustClaimOne(t, st, "worker-a", base, "job")
		end := base.Add(testLease)
		for _, owner := range []string{"worker-b", "worker-a"} { // the holder too
			wantNoClaim(t, st, "ClaimDue at the claim's clock", owner, base)
			wantNoClaim(t, st, "ClaimDue 1µs before the lease ends", owner, end.Add(-time.Microsecond))
			// Rounding a clock up to the microsecond would end the lease early.
			wantNoClaim(t, st, "ClaimDue 1ns before the lease ends", owner, end.Add(-time.Nanosecond))
		}
		// lease_until <= now is expired: the lease's last instant is not its.
		c := mustClaimOne(t, st, "worker-b", end, "job")
		diff(t, "claim at the instant the lease ends", base, c.ScheduledFor)
	})

	s.storeLeaf(t, "expired_lease_taken_over", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		first := mustClaimOne(t, st, "worker-a", base, "job")
		before := mustGet(t, st, "job")
		second := mustClaimOne(t, st, "worker-b", base.Add(testLease), "job")
		if second.Token <= first.Token {
			t.Errorf("the takeover's Token %d is not above the expired claim's %d", second.Token, first.Token)
		}
		wantIs(t, "CompleteClaim of the expired claim", st.CompleteClaim(t.Context(), first, at(base.Add(time.Hour))),
			schedstore.ErrLeaseLost)
		wantIs(t, "ReleaseClaim of the expired claim", st.ReleaseClaim(t.Context(), first), schedstore.ErrLeaseLost)
		diff(t, "Get after the stale calls", before, mustGet(t, st, "job"))
		wantNoFires(t, st, "after the stale CompleteClaim", "job")
		// The stale release must not have freed the new holder's lease.
		wantNoClaim(t, st, "ClaimDue during the takeover's lease", "worker-c", base.Add(testLease))
		mustComplete(t, st, second, at(base.Add(time.Hour)))
		diff(t, "ListFires after the takeover completed", []schedstore.Fire{fireOf(second)},
			mustFires(t, st, "job", 0), ignoreFireClock)
	})

	// ErrLeaseLost is a new claim or a release, not the clock: a worker that
	// overran its lease while nobody else claimed still completes.
	s.storeLeaf(t, "expired_but_unclaimed_completes", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		c := mustClaimOne(t, st, "worker", past, "job")
		mustComplete(t, st, c, at(base))
		diff(t, "ListFires", []schedstore.Fire{fireOf(c)}, mustFires(t, st, "job", 0), ignoreFireClock)
	})
}
