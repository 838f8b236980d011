package conformance

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// testLease is the lease of most store tests: long against the steps the tests
// take with their explicit clocks, so a lease ends only where a test says.
const testLease = 5 * time.Minute

// ignoreToken is for comparing claims: the contract says what a token is
// for, not which value it has.
var ignoreToken = cmpopts.IgnoreFields(schedstore.Claim{}, "Token")

// ignoreFireClock is for comparing fires: FinishedAt comes from the
// backend's clock, so a test checks it with wantNow instead, and so may
// StartedAt (a first attempt claimed at an explicit clock later than the
// completion starts at its end), which the engine tests check.
var ignoreFireClock = cmpopts.IgnoreFields(schedstore.Fire{}, "StartedAt", "FinishedAt")

// storeLeaf is leaf for a test of the Store methods.
func (s *suite) storeLeaf(t *testing.T, name string, fn func(t *testing.T, st schedstore.Store)) {
	t.Helper()
	s.leaf(t, name, fn)
}

func mustClaim(t testing.TB, st schedstore.Store, owner string, now time.Time, lease time.Duration, limit int) []schedstore.Claim {
	t.Helper()
	got, err := st.ClaimDue(t.Context(), owner, now, lease, limit)
	if err != nil {
		t.Fatalf("ClaimDue(%q, %v, %v, %d): %v", owner, now, lease, limit, err)
	}
	return got
}

// mustClaimOne claims at now and wants exactly the task id.
func mustClaimOne(t testing.TB, st schedstore.Store, owner string, now time.Time, id string) schedstore.Claim {
	t.Helper()
	got := mustClaim(t, st, owner, now, testLease, 10)
	if len(got) != 1 || got[0].Task == nil || got[0].Task.ID != id {
		t.Fatalf("ClaimDue(%q) at %v claimed %q, want [%q]", owner, now, claimIDs(got), id)
	}
	return got[0]
}

// wantNoClaim fails t unless nothing is claimable at now.
func wantNoClaim(t testing.TB, st schedstore.Store, what, owner string, now time.Time) {
	t.Helper()
	if got := mustClaim(t, st, owner, now, testLease, 10); len(got) != 0 {
		t.Errorf("%s: ClaimDue(%q) at %v claimed %q, want nothing", what, owner, now, claimIDs(got))
	}
}

func mustComplete(t testing.TB, st schedstore.Store, c schedstore.Claim, next *time.Time) {
	t.Helper()
	if err := st.CompleteClaim(t.Context(), c, next); err != nil {
		t.Fatalf("CompleteClaim(%q of %q at %v): %v", c.Owner, c.Task.ID, c.ScheduledFor, err)
	}
}

func mustFires(t testing.TB, st schedstore.Store, id string, limit int) []schedstore.Fire {
	t.Helper()
	got, err := st.ListFires(t.Context(), id, limit)
	if err != nil {
		t.Fatalf("ListFires(%q, %d): %v", id, limit, err)
	}
	return got
}

// wantNoFires fails t unless the ledger holds nothing for id.
func wantNoFires(t testing.TB, st schedstore.Store, what, id string) {
	t.Helper()
	if got := mustFires(t, st, id, 0); len(got) != 0 {
		t.Errorf("%s: ListFires(%q) = %+v, want none", what, id, got)
	}
}

// claimOf is the claim ClaimDue(owner, now, leaseFor) owes for the stored
// task want.
func claimOf(want *schedstore.Task, owner string, now time.Time, leaseFor time.Duration) schedstore.Claim {
	now = taskrow.Time(now)
	return schedstore.Claim{
		Task: want, ScheduledFor: *want.NextRunAt, Owner: owner,
		ClaimedAt: now, LeaseUntil: now.Add(leaseFor),
		Attempt: 1, FirstAttemptAt: now, Kind: schedstore.FireScheduled, // a fresh, scheduled occurrence
	}
}

// fireOf is the ledger entry CompleteClaim of c records, StartedAt and
// FinishedAt aside: a success after c's attempts.
func fireOf(c schedstore.Claim) schedstore.Fire {
	return schedstore.Fire{TaskID: c.Task.ID, ScheduledFor: c.ScheduledFor, Owner: c.Owner,
		Status: schedstore.FireSucceeded, Attempts: max(c.Attempt, 1),
		Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: c.ScheduledFor}
}

func claimIDs(claims []schedstore.Claim) []string {
	out := make([]string, len(claims))
	for i, c := range claims {
		if c.Task != nil {
			out[i] = c.Task.ID
		}
	}
	return out
}
