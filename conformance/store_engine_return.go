package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// testEngineReturn asserts ReturnClaim, the hand-back of a claim whose
// attempt never started (a runner's queued claims on stop): the lease is
// given back as by ReleaseClaim, and the attempt the claim counted is
// uncounted, so the next claim of the occurrence is the same attempt.
func testEngineReturn(t *testing.T, s *suite) {
	s.storeLeaf(t, "return_uncounts_the_first_attempt", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		before := mustGet(t, st, "job")
		first := mustClaimOne(t, st, "worker-a", past, "job")
		wantAttempt(t, "the first claim", first, 1, past)
		if err := st.ReturnClaim(t.Context(), first); err != nil {
			t.Fatalf("ReturnClaim: %v", err)
		}
		// Returning is not firing: no task field changes, no fire.
		diff(t, "Get after ReturnClaim", before, mustGet(t, st, "job"))
		wantNoFires(t, st, "after ReturnClaim", "job")
		// Claimable again at once, and as if never attempted: attempt 1
		// again, started by this claim.
		later := past.Add(time.Minute)
		second := mustClaimOne(t, st, "worker-b", later, "job")
		wantAttempt(t, "the claim after the return", second, 1, later)
		diff(t, "the occurrence of the claim after the return", first.ScheduledFor, second.ScheduledFor)
		// The returned claim is stale, as a released one is.
		wantIs(t, "ReturnClaim of the returned claim", st.ReturnClaim(t.Context(), first), schedstore.ErrLeaseLost)
		wantIs(t, "ReleaseClaim of the returned claim", st.ReleaseClaim(t.Context(), first), schedstore.ErrLeaseLost)
		wantIs(t, "CompleteClaim of the returned claim", st.CompleteClaim(t.Context(), first, nil), schedstore.ErrLeaseLost)
		wantIs(t, "StartRetry of the returned claim", startRetryErr(t, st, first), schedstore.ErrLeaseLost)
		finished := past.Add(2 * time.Minute)
		wantCompleted(t, st, []schedstore.Completion{{Claim: second, NextRun: at(base), FinishedAt: finished}}, nil)
		diff(t, "ListFires after a returned claim and one attempt", []schedstore.Fire{{
			TaskID: "job", ScheduledFor: past, Owner: "worker-b", StartedAt: at(later), FinishedAt: finished,
			Status: schedstore.FireSucceeded, Attempts: 1, Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: past,
		}}, mustFires(t, st, "job", 0))
	})

	s.storeLeaf(t, "return_uncounts_a_retry", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		first := mustClaimOne(t, st, "worker-a", past, "job")
		retry, err := st.StartRetry(t.Context(), first)
		if err != nil {
			t.Fatalf("StartRetry: %v", err)
		}
		wantAttempt(t, "the retry", retry, 2, past)
		if err := st.ReturnClaim(t.Context(), retry); err != nil {
			t.Fatalf("ReturnClaim of the retry: %v", err)
		}
		// Attempt 1 ran and stays counted, with its start; attempt 2 never
		// ran: the next claim is attempt 2 again.
		second := mustClaimOne(t, st, "worker-b", past.Add(time.Minute), "job")
		wantAttempt(t, "the claim after the returned retry", second, 2, past)
		// ReleaseClaim keeps the attempt; a return after it uncounts only
		// the claim's own.
		if err := st.ReleaseClaim(t.Context(), second); err != nil {
			t.Fatalf("ReleaseClaim: %v", err)
		}
		third := mustClaimOne(t, st, "worker-c", past.Add(2*time.Minute), "job")
		wantAttempt(t, "the claim after the release", third, 3, past)
		if err := st.ReturnClaim(t.Context(), third); err != nil {
			t.Fatalf("ReturnClaim of the third claim: %v", err)
		}
		fourth := mustClaimOne(t, st, "worker-d", past.Add(3*time.Minute), "job")
		wantAttempt(t, "the claim after the release and the return", fourth, 3, past)
		finished := past.Add(4 * time.Minute)
		wantCompleted(t, st, []schedstore.Completion{{Claim: fourth, NextRun: at(base), Status: schedstore.FireFailed,
			Error: "gave up", FinishedAt: finished}}, nil)
		diff(t, "ListFires after the returned retries", []schedstore.Fire{{
			TaskID: "job", ScheduledFor: past, Owner: "worker-d", StartedAt: at(past), FinishedAt: finished,
			Status: schedstore.FireFailed, Attempts: 3, Error: "gave up", Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: past,
		}}, mustFires(t, st, "job", 0))
		// The next occurrence starts over, as after any completion.
		next := mustClaimOne(t, st, "worker-a", base, "job")
		wantAttempt(t, "the claim of the next occurrence", next, 1, base)
	})

	s.storeLeaf(t, "return_of_a_stale_claim_changes_nothing", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		mustCreate(t, st, dueTask("gone", 0, at(past.Add(time.Second))))
		before := mustGet(t, st, "job")
		first := mustClaimOne(t, st, "worker-a", past, "job")
		// worker-a's lease ends; worker-b takes the occurrence over.
		takeover := past.Add(testLease)
		claims := mustClaim(t, st, "worker-b", takeover, testLease, 10)
		if len(claims) != 2 || claims[0].Task.ID != "job" || claims[1].Task.ID != "gone" {
			t.Fatalf("ClaimDue at the end of the lease claimed %q, want [job gone]", claimIDs(claims))
		}
		second, gone := claims[0], claims[1]
		wantAttempt(t, "the takeover", second, 2, past)

		// The stale claim reports as ReleaseClaim does, and changes nothing.
		errReturn, errRelease := st.ReturnClaim(t.Context(), first), st.ReleaseClaim(t.Context(), first)
		wantIs(t, "ReturnClaim of the claim taken over", errReturn, schedstore.ErrLeaseLost)
		wantIs(t, "ReleaseClaim of the claim taken over", errRelease, schedstore.ErrLeaseLost)
		if errReturn != nil && errRelease != nil && errReturn.Error() != errRelease.Error() {
			t.Errorf("ReturnClaim of a stale claim: %q; ReleaseClaim says %q", errReturn, errRelease)
		}
		// The right token for another occurrence is no claim either.
		wrong := second
		wrong.ScheduledFor = second.ScheduledFor.Add(time.Second)
		wantIs(t, "ReturnClaim for another occurrence", st.ReturnClaim(t.Context(), wrong), schedstore.ErrLeaseLost)
		diff(t, "Get after the stale returns", before, mustGet(t, st, "job"))
		// worker-b still holds the task, its attempt counted.
		wantNoClaim(t, st, "ClaimDue while worker-b holds it", "worker-c", takeover.Add(time.Second))
		retry, err := st.StartRetry(t.Context(), second)
		if err != nil {
			t.Fatalf("StartRetry of worker-b's claim after the stale returns: %v", err)
		}
		wantAttempt(t, "worker-b's retry", retry, 3, past)

		// A task deleted under its claim: lost, as for ReleaseClaim.
		if ok, err := st.Delete(t.Context(), "gone"); !ok || err != nil {
			t.Fatalf("Delete(gone) = %v, %v", ok, err)
		}
		errReturn, errRelease = st.ReturnClaim(t.Context(), gone), st.ReleaseClaim(t.Context(), gone)
		wantIs(t, "ReturnClaim of a deleted task", errReturn, schedstore.ErrLeaseLost)
		wantIs(t, "ReleaseClaim of a deleted task", errRelease, schedstore.ErrLeaseLost)
		if errors.Is(errReturn, schedstore.ErrLeaseLost) && errReturn.Error() != errRelease.Error() {
			t.Errorf("ReturnClaim of a deleted task: %q; ReleaseClaim says %q", errReturn, errRelease)
		}

		if err := st.ReturnClaim(t.Context(), retry); err != nil {
			t.Fatalf("ReturnClaim of worker-b's retry: %v", err)
		}
		wantIs(t, "second ReturnClaim", st.ReturnClaim(t.Context(), retry), schedstore.ErrLeaseLost)
		// Attempts 1 and 2 stay counted (worker-a's lapsed, worker-b's
		// ran), the returned 3 does not: the next claim is attempt 3 again;
		// had a stale return uncounted one, it would be 2.
		next := mustClaimOne(t, st, "worker-c", takeover.Add(time.Second), "job")
		wantAttempt(t, "the claim after worker-b's return", next, 3, past)
		mustComplete(t, st, next, at(base))
	})

	s.storeLeaf(t, "return_of_a_trigger_keeps_the_request", func(t *testing.T, st schedstore.Store) {
		later := base.Add(100 * 365 * 24 * time.Hour) // never due here
		mustCreate(t, st, dueTask("job", 0, at(later)))
		before := mustGet(t, st, "job")
		occ, err := st.Trigger(t.Context(), "job")
		if err != nil {
			t.Fatalf("Trigger: %v", err)
		}
		queued := func(what string) {
			t.Helper()
			if due, ok, err := st.NextDue(t.Context()); err != nil || !ok || due.After(occ) {
				t.Errorf("NextDue %s = %v, %v, %v; want the queued request, at %v at the latest", what, due, ok, err, occ)
			}
		}
		first := mustClaimOne(t, st, "worker-a", base, "job")
		if first.Kind != schedstore.FireManual || !first.ScheduledFor.Equal(occ) {
			t.Fatalf("claim %+v, want kind manual for %v", first, occ)
		}
		wantAttempt(t, "the first claim of the trigger", first, 1, base)
		if err := st.ReturnClaim(t.Context(), first); err != nil {
			t.Fatalf("ReturnClaim: %v", err)
		}
		diff(t, "Get after ReturnClaim", before, mustGet(t, st, "job"))
		wantNoFires(t, st, "after ReturnClaim", "job")
		queued("after ReturnClaim")

		// Claimed again: the same request, attempt 1, started now.
		again := base.Add(time.Minute)
		second := mustClaimOne(t, st, "worker-b", again, "job")
		if second.Kind != schedstore.FireManual || !second.ScheduledFor.Equal(occ) {
			t.Fatalf("claim after the return %+v, want kind manual for %v", second, occ)
		}
		wantAttempt(t, "the claim after the return", second, 1, again)
		queued("while claimed again")
		// A retry returned is counted off too, and the request stays.
		retry, err := st.StartRetry(t.Context(), second)
		if err != nil {
			t.Fatalf("StartRetry: %v", err)
		}
		if err := st.ReturnClaim(t.Context(), retry); err != nil {
			t.Fatalf("ReturnClaim of the retry: %v", err)
		}
		queued("after the returned retry")
		third := mustClaimOne(t, st, "worker-c", again.Add(time.Minute), "job")
		if third.Kind != schedstore.FireManual || !third.ScheduledFor.Equal(occ) {
			t.Fatalf("claim after the returned retry %+v, want kind manual for %v", third, occ)
		}
		wantAttempt(t, "the claim after the returned retry", third, 2, again)

		finished := again.Add(2 * time.Minute)
		wantCompleted(t, st, []schedstore.Completion{{Claim: third, FinishedAt: finished}}, nil)
		diff(t, "ListFires after the returned trigger", []schedstore.Fire{{
			TaskID: "job", ScheduledFor: occ, Owner: "worker-c", StartedAt: at(again), FinishedAt: finished,
			Status: schedstore.FireSucceeded, Attempts: 2, Kind: schedstore.FireManual, Occurrences: 1, LastScheduledFor: occ,
		}}, mustFires(t, st, "job", 0))
		// Completed, the request has left the queue.
		if due, ok, err := st.NextDue(t.Context()); err != nil || !ok || !due.Equal(later) {
			t.Errorf("NextDue after the completion = %v, %v, %v; want the task's next run %v", due, ok, err, later)
		}
		wantNoClaim(t, st, "after the completion", "worker-a", base.Add(time.Hour))
		after := mustGet(t, st, "job")
		diff(t, "the task after the manual fire", []any{before.NextRunAt, before.LastRunAt, before.Enabled},
			[]any{after.NextRunAt, after.LastRunAt, after.Enabled})
	})
}
