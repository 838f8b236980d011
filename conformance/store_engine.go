package conformance

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowrra/schedstore"
)

// testEngine asserts the Store calls of the firing engine: attempt
// counting, RenewClaims, StartRetry, ReturnClaim (store_engine_return.go)
// and CompleteClaims with outcomes.
// Claims are made at past (due on every clock), so that a lease renewed
// on the database's clock ends after them, and a first attempt is before
// any completion.
func testEngine(t *testing.T, s *suite) {
	testEngineReturn(t, s)
	s.storeLeaf(t, "attempts_across_release", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		first := mustClaimOne(t, st, "worker-a", past, "job")
		wantAttempt(t, "the first claim", first, 1, past)
		if err := st.ReleaseClaim(t.Context(), first); err != nil {
			t.Fatalf("ReleaseClaim: %v", err)
		}
		later := past.Add(time.Minute)
		second := mustClaimOne(t, st, "worker-b", later, "job")
		// The same occurrence: the count goes on, and attempt 1's start stays.
		wantAttempt(t, "the claim after the release", second, 2, past)
		diff(t, "ClaimedAt of the second claim", later, second.ClaimedAt)
		finished := past.Add(2 * time.Minute)
		wantCompleted(t, st, []schedstore.Completion{{Claim: second, NextRun: at(base), FinishedAt: finished}}, nil)
		diff(t, "ListFires after two attempts", []schedstore.Fire{{
			TaskID: "job", ScheduledFor: past, Owner: "worker-b", StartedAt: at(past), FinishedAt: finished,
			Status: schedstore.FireSucceeded, Attempts: 2, Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: past,
		}}, mustFires(t, st, "job", 0))
	})

	s.storeLeaf(t, "attempts_across_expired_lease", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		first := mustClaimOne(t, st, "worker-a", past, "job")
		// worker-a died holding it: its lease ends, worker-b takes over.
		second := mustClaimOne(t, st, "worker-b", past.Add(testLease), "job")
		wantAttempt(t, "the takeover", second, 2, past)
		wantIs(t, "StartRetry of the expired claim", startRetryErr(t, st, first), schedstore.ErrLeaseLost)
		third, err := st.StartRetry(t.Context(), second)
		if err != nil {
			t.Fatalf("StartRetry of the takeover: %v", err)
		}
		wantAttempt(t, "the retry of the takeover", third, 3, past)
	})

	s.storeLeaf(t, "start_retry", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		before := mustGet(t, st, "job")
		c := mustClaimOne(t, st, "worker-a", past, "job")
		retry, err := st.StartRetry(t.Context(), c)
		if err != nil {
			t.Fatalf("StartRetry: %v", err)
		}
		want := c
		want.Attempt = 2
		diff(t, "StartRetry's claim", want, retry) // the same token, the same lease
		if retry, err = st.StartRetry(t.Context(), retry); err != nil {
			t.Fatalf("second StartRetry: %v", err)
		}
		wantAttempt(t, "the second retry", retry, 3, past)
		// Counting attempts is no change of the task.
		diff(t, "Get after StartRetry", before, mustGet(t, st, "job"))
		if err := st.ReleaseClaim(t.Context(), retry); err != nil {
			t.Fatalf("ReleaseClaim: %v", err)
		}
		stale, err := st.StartRetry(t.Context(), retry)
		wantIs(t, "StartRetry of the released claim", err, schedstore.ErrLeaseLost)
		diff(t, "StartRetry's claim on ErrLeaseLost", retry, stale)
		next := mustClaimOne(t, st, "worker-b", past, "job")
		wantAttempt(t, "the claim after the retries", next, 4, past)
		wantIs(t, "StartRetry of worker-a's claim after worker-b's", startRetryErr(t, st, c), schedstore.ErrLeaseLost)
		wantCompleted(t, st, []schedstore.Completion{{Claim: next, NextRun: at(base), Status: schedstore.FireFailed,
			Error: "gave up", FinishedAt: past.Add(time.Minute)}}, nil)
		fires := mustFires(t, st, "job", 0)
		diff(t, "ListFires after the retries", []schedstore.Fire{{
			TaskID: "job", ScheduledFor: past, Owner: "worker-b", StartedAt: at(past), FinishedAt: past.Add(time.Minute),
			Status: schedstore.FireFailed, Attempts: 4, Error: "gave up", Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: past,
		}}, fires)
		wantIs(t, "StartRetry of the completed claim", startRetryErr(t, st, next), schedstore.ErrLeaseLost)
	})

	s.storeLeaf(t, "new_occurrence_starts_over", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		first := mustClaimOne(t, st, "worker", past, "job")
		if _, err := st.StartRetry(t.Context(), first); err != nil {
			t.Fatalf("StartRetry: %v", err)
		}
		next := past.Add(time.Hour)
		mustComplete(t, st, first, at(next))
		c := mustClaimOne(t, st, "worker", next.Add(time.Minute), "job")
		wantAttempt(t, "the claim of the next occurrence", c, 1, next.Add(time.Minute))
		diff(t, "the next occurrence", next, c.ScheduledFor)
	})

	s.storeLeaf(t, "complete_batch_with_a_stale_claim", func(t *testing.T, st schedstore.Store) {
		for _, id := range []string{"j1", "j2", "j3"} {
			mustCreate(t, st, dueTask(id, 0, at(past)))
		}
		claims := mustClaim(t, st, "worker-a", past, testLease, 10)
		if len(claims) != 3 {
			t.Fatalf("ClaimDue claimed %q, want j1, j2, j3", claimIDs(claims))
		}
		byID := map[string]schedstore.Claim{}
		for _, c := range claims {
			byID[c.Task.ID] = c
		}
		j1, j2, j3 := byID["j1"], byID["j2"], byID["j3"]
		j1, err := st.StartRetry(t.Context(), j1)
		if err != nil {
			t.Fatalf("StartRetry(j1): %v", err)
		}
		// j2 goes stale: released and claimed by worker-b.
		if err := st.ReleaseClaim(t.Context(), j2); err != nil {
			t.Fatalf("ReleaseClaim(j2): %v", err)
		}
		taken := mustClaimOne(t, st, "worker-b", past, "j2")
		j2Before := mustGet(t, st, "j2")
		j1Task, j3Task := mustGet(t, st, "j1"), mustGet(t, st, "j3")

		finished := past.Add(time.Minute)
		before := time.Now()
		wantCompleted(t, st, []schedstore.Completion{
			{Claim: j1, NextRun: at(base), Status: schedstore.FireFailed, Error: "boom", FinishedAt: finished},
			{Claim: j2, NextRun: at(base)},
			{Claim: j3, Attempts: 5}, // no next run; finished now; succeeded
		}, []error{nil, schedstore.ErrLeaseLost, nil})
		after := time.Now()

		diff(t, "ListFires(j1)", []schedstore.Fire{{
			TaskID: "j1", ScheduledFor: past, Owner: "worker-a", StartedAt: at(past), FinishedAt: finished,
			Status: schedstore.FireFailed, Attempts: 2, Error: "boom", Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: past,
		}}, mustFires(t, st, "j1", 0))
		wantNoFires(t, st, "the stale completion", "j2")
		diff(t, "Get(j2) after the stale completion", j2Before, mustGet(t, st, "j2"))
		fires := mustFires(t, st, "j3", 0)
		diff(t, "ListFires(j3)", []schedstore.Fire{{
			TaskID: "j3", ScheduledFor: past, Owner: "worker-a", StartedAt: at(past),
			Status: schedstore.FireSucceeded, Attempts: 5, Kind: schedstore.FireScheduled, Occurrences: 1, LastScheduledFor: past,
		}}, fires, ignoreFinishedAt)
		if len(fires) == 1 {
			wantNow(t, "FinishedAt of a completion that gives none", fires[0].FinishedAt, before, after)
		}

		want1 := *j1Task
		want1.LastRunAt, want1.NextRunAt = at(past), at(base)
		want1.Version++
		diff(t, "Get(j1) after the batch", &want1, mustGet(t, st, "j1"), ignoreUpdatedAt)
		want3 := *j3Task
		want3.LastRunAt, want3.NextRunAt, want3.Enabled = at(past), nil, false
		want3.Version++
		diff(t, "Get(j3) after the batch", &want3, mustGet(t, st, "j3"), ignoreUpdatedAt)
		// The stale claim failed alone: worker-b's claim is still current.
		mustComplete(t, st, taken, at(base))
	})

	s.storeLeaf(t, "complete_batch_of_several_owners", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("a", 0, at(past)))
		mustCreate(t, st, dueTask("b", 0, at(past.Add(time.Second))))
		ca := mustClaim(t, st, "worker-a", past, testLease, 1)
		cb := mustClaim(t, st, "worker-b", past.Add(time.Second), testLease, 1)
		if len(ca) != 1 || len(cb) != 1 {
			t.Fatalf("ClaimDue claimed %q and %q, want a and b", claimIDs(ca), claimIDs(cb))
		}
		beforeA, beforeB := mustGet(t, st, "a"), mustGet(t, st, "b")
		errs, err := st.CompleteClaims(t.Context(), []schedstore.Completion{
			{Claim: ca[0], NextRun: at(base)}, {Claim: cb[0], NextRun: at(base)},
		})
		wantField(t, "CompleteClaims of two owners", err, "Claim.Owner")
		if errs != nil {
			t.Errorf("CompleteClaims of two owners returned results %v with the error", errs)
		}
		// Nothing was written, not even the first owner's.
		diff(t, "Get(a) after the rejected batch", beforeA, mustGet(t, st, "a"))
		diff(t, "Get(b) after the rejected batch", beforeB, mustGet(t, st, "b"))
		wantNoFires(t, st, "after the rejected batch", "a")
		wantNoFires(t, st, "after the rejected batch", "b")
		mustComplete(t, st, ca[0], at(base))
		mustComplete(t, st, cb[0], at(base))

		errs, err = st.CompleteClaims(t.Context(), nil)
		if err != nil || errs == nil || len(errs) != 0 {
			t.Errorf("CompleteClaims(nil) = %v, %v; want an empty result and no error", errs, err)
		}
	})

	s.storeLeaf(t, "failed_outcome_and_error_text", func(t *testing.T, st schedstore.Store) {
		// The cut falls inside the first 😀 (bytes 1020-1023): it keeps
		// the runes before it whole and marks the cut.
		long := strings.Repeat("a", 1020) + "😀😀"
		cases := []struct{ id, in, want string }{
			{"long", long, strings.Repeat("a", 1020) + "…"},
			{"exact", strings.Repeat("é", schedstore.MaxFireErrorBytes/2), strings.Repeat("é", schedstore.MaxFireErrorBytes/2)},
			{"dirty", "x\x00y\xffz", "xy\uFFFDz"},
		}
		for _, c := range cases {
			mustCreate(t, st, dueTask(c.id, 0, at(past)))
			cl := mustClaimOne(t, st, "worker", past, c.id)
			wantCompleted(t, st, []schedstore.Completion{{Claim: cl, NextRun: at(base), Status: schedstore.FireFailed,
				Attempts: 3, Error: c.in, FinishedAt: past.Add(time.Minute)}}, nil)
			fires := mustFires(t, st, c.id, 0)
			if len(fires) != 1 {
				t.Errorf("ListFires(%q) = %+v, want one fire", c.id, fires)
				continue
			}
			f := fires[0]
			if f.Status != schedstore.FireFailed || f.Attempts != 3 {
				t.Errorf("fire of %q: Status %q, Attempts %d; want failed, 3", c.id, f.Status, f.Attempts)
			}
			if f.Error != c.want {
				t.Errorf("fire of %q: Error of %d bytes %q..., want %d bytes %q...", c.id, len(f.Error),
					tail(f.Error), len(c.want), tail(c.want))
			}
			if len(f.Error) > schedstore.MaxFireErrorBytes || !utf8.ValidString(f.Error) {
				t.Errorf("fire of %q: Error is %d bytes, valid UTF-8 %v", c.id, len(f.Error), utf8.ValidString(f.Error))
			}
		}

		mustCreate(t, st, dueTask("bogus", 0, at(past)))
		cl := mustClaimOne(t, st, "worker", past, "bogus")
		_, err := st.CompleteClaims(t.Context(), []schedstore.Completion{{Claim: cl, Status: "bogus"}})
		wantField(t, "CompleteClaims with an unknown status", err, "Status")
		wantNoFires(t, st, "after the unknown status", "bogus")
	})

	s.storeLeaf(t, "renew_extends_the_lease", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		// The lease ends at past + testLease, long before today...
		c := mustClaimOne(t, st, "worker-a", past, "job")
		errs, err := st.RenewClaims(t.Context(), []schedstore.Claim{c}, time.Hour)
		if err != nil || len(errs) != 1 || errs[0] != nil {
			t.Fatalf("RenewClaims = %v, %v; want [nil]", errs, err)
		}
		// ...and now at the database's clock + 1h: not claimable now, by
		// the database's clock or (allowing for skew) the test's.
		wantNoClaim(t, st, "ClaimDue by the database clock after RenewClaims", "worker-b", time.Time{})
		wantNoClaim(t, st, "ClaimDue half an hour on", "worker-b", time.Now().Add(30*time.Minute))
		late := time.Now().Add(time.Hour + clockTolerance)
		taken := mustClaimOne(t, st, "worker-b", late, "job")
		wantAttempt(t, "the claim after the renewed lease ended", taken, 2, past)
		errs, err = st.RenewClaims(t.Context(), []schedstore.Claim{c}, time.Hour)
		if err != nil || len(errs) != 1 {
			t.Fatalf("RenewClaims of the lost claim = %v, %v; want one result", errs, err)
		}
		wantIs(t, "RenewClaims of the lost claim", errs[0], schedstore.ErrLeaseLost)
		mustComplete(t, st, taken, at(base))
	})

	s.storeLeaf(t, "renew_reports_stale_claims_alone", func(t *testing.T, st schedstore.Store) {
		for _, id := range []string{"live", "taken", "gone"} {
			mustCreate(t, st, dueTask(id, 0, at(past)))
		}
		claims := mustClaim(t, st, "worker-a", past, testLease, 10)
		byID := map[string]schedstore.Claim{}
		for _, c := range claims {
			byID[c.Task.ID] = c
		}
		if len(byID) != 3 {
			t.Fatalf("ClaimDue claimed %q, want live, taken, gone", claimIDs(claims))
		}
		if err := st.ReleaseClaim(t.Context(), byID["taken"]); err != nil {
			t.Fatalf("ReleaseClaim: %v", err)
		}
		taken := mustClaimOne(t, st, "worker-b", past, "taken")
		if ok, err := st.Delete(t.Context(), "gone"); !ok || err != nil {
			t.Fatalf("Delete(gone) = %v, %v", ok, err)
		}
		errs, err := st.RenewClaims(t.Context(),
			[]schedstore.Claim{byID["live"], byID["taken"], byID["gone"]}, time.Hour)
		if err != nil || len(errs) != 3 {
			t.Fatalf("RenewClaims = %v, %v; want three results", errs, err)
		}
		if errs[0] != nil {
			t.Errorf("RenewClaims of the live claim: %v", errs[0])
		}
		wantIs(t, "RenewClaims of the claim another owner took", errs[1], schedstore.ErrLeaseLost)
		wantIs(t, "RenewClaims of the claim whose task is gone", errs[2], schedstore.ErrLeaseLost)
		// worker-b's lease is its own: it ends where worker-b's claim said,
		// while the live one's was renewed past it.
		late := past.Add(testLease)
		got := mustClaim(t, st, "worker-c", late, testLease, 10)
		if len(got) != 1 || got[0].Task.ID != "taken" {
			t.Errorf("ClaimDue at the end of worker-b's lease claimed %q, want [taken]", claimIDs(got))
		}
		wantIs(t, "CompleteClaim of worker-b's expired claim", st.CompleteClaim(t.Context(), taken, nil), schedstore.ErrLeaseLost)
		mustComplete(t, st, byID["live"], at(base))
	})

	s.storeLeaf(t, "renew_arguments", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("a", 0, at(past)))
		mustCreate(t, st, dueTask("b", 0, at(past.Add(time.Second))))
		ca := mustClaim(t, st, "worker-a", past, testLease, 1)
		cb := mustClaim(t, st, "worker-b", past.Add(time.Second), testLease, 1)
		if len(ca) != 1 || len(cb) != 1 {
			t.Fatalf("ClaimDue claimed %q and %q, want a and b", claimIDs(ca), claimIDs(cb))
		}
		_, err := st.RenewClaims(t.Context(), []schedstore.Claim{ca[0], cb[0]}, time.Hour)
		wantField(t, "RenewClaims of two owners", err, "Claim.Owner")
		_, err = st.RenewClaims(t.Context(), ca, 0)
		wantField(t, "RenewClaims with no lease", err, "lease")
		errs, err := st.RenewClaims(t.Context(), nil, time.Hour)
		if err != nil || errs == nil || len(errs) != 0 {
			t.Errorf("RenewClaims(nil) = %v, %v; want an empty result and no error", errs, err)
		}
		// Nothing was renewed: b's lease still ends at past+1s+testLease.
		got := mustClaim(t, st, "worker-c", past.Add(time.Second+testLease), testLease, 10)
		if len(got) != 2 {
			t.Errorf("ClaimDue after the rejected renewals claimed %q, want a and b", claimIDs(got))
		}
	})
}

// ignoreFinishedAt is for a fire whose FinishedAt the backend's clock set.
var ignoreFinishedAt = cmpopts.IgnoreFields(schedstore.Fire{}, "FinishedAt")

// wantAttempt fails t unless c is attempt n of an occurrence first
// claimed at first.
func wantAttempt(t testing.TB, what string, c schedstore.Claim, n int, first time.Time) {
	t.Helper()
	if c.Attempt != n {
		t.Errorf("%s: Attempt = %d, want %d", what, c.Attempt, n)
	}
	diff(t, what+": FirstAttemptAt", first, c.FirstAttemptAt)
}

// wantCompleted runs CompleteClaims and wants the per-completion results
// want (nil: all nil), compared with errors.Is.
func wantCompleted(t testing.TB, st schedstore.Store, batch []schedstore.Completion, want []error) {
	t.Helper()
	if want == nil {
		want = make([]error, len(batch))
	}
	errs, err := st.CompleteClaims(t.Context(), batch)
	if err != nil {
		t.Fatalf("CompleteClaims: %v", err)
	}
	if len(errs) != len(want) {
		t.Fatalf("CompleteClaims returned %d results %v, want %d", len(errs), errs, len(want))
	}
	for i := range want {
		if want[i] == nil {
			if errs[i] != nil {
				t.Errorf("CompleteClaims, completion %d (%q): %v", i, batch[i].Claim.Task.ID, errs[i])
			}
			continue
		}
		wantIs(t, "CompleteClaims, completion of "+batch[i].Claim.Task.ID, errs[i], want[i])
	}
}

func startRetryErr(t testing.TB, st schedstore.Store, c schedstore.Claim) error {
	_, err := st.StartRetry(t.Context(), c)
	return err
}

// tail is the end of a long text, for a failure message.
func tail(s string) string {
	if len(s) <= 24 {
		return s
	}
	return "…" + s[len(s)-24:]
}
