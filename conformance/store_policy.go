package conformance

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowrra/schedstore"
)

// testPolicy asserts the schedule policies (stored, read back, validated),
// Pause and Resume, and the ledger rows the policies record through
// CompleteClaims: missed rows standing for several occurrences, skipped
// rows recorded beside a completion, and fire kinds.
func testPolicy(t *testing.T, s *suite) {
	withPolicies := func(id string) *schedstore.Task {
		return taskWith(id, func(t *schedstore.Task) {
			t.Misfire, t.MaxCatchUp, t.MisfireGrace = schedstore.MisfireAll, 3, 90*time.Second
			t.Overlap, t.Jitter = schedstore.OverlapBufferOne, 1500*time.Millisecond
		})
	}

	s.storeLeaf(t, "policies_round_trip", func(t *testing.T, st schedstore.Store) {
		in := withPolicies("pol")
		mustCreate(t, st, in)
		got := mustGet(t, st, "pol")
		diff(t, "Get of a task with every policy set", normalize(t, in), got)

		// Zero policies are stored as the defaults and written back.
		zero := sampleTask("zero")
		mustCreate(t, st, zero)
		if zero.Misfire != schedstore.MisfireOnce || zero.MaxCatchUp != schedstore.DefaultMaxCatchUp ||
			zero.Overlap != schedstore.OverlapSkip {
			t.Errorf("Create wrote back Misfire %q, MaxCatchUp %d, Overlap %q; want the defaults",
				zero.Misfire, zero.MaxCatchUp, zero.Overlap)
		}
		diff(t, "Get of a task with zero policies", normalize(t, zero), mustGet(t, st, "zero"))

		// Update replaces them, and writes the normalized ones back.
		up := mustGet(t, st, "pol")
		up.Misfire, up.MaxCatchUp, up.MisfireGrace, up.Overlap, up.Jitter = "", 0, 0, "", time.Hour
		if err := st.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		if up.Misfire != schedstore.MisfireOnce || up.MaxCatchUp != schedstore.DefaultMaxCatchUp || up.Overlap != schedstore.OverlapSkip {
			t.Errorf("Update wrote back Misfire %q, MaxCatchUp %d, Overlap %q; want the defaults", up.Misfire, up.MaxCatchUp, up.Overlap)
		}
		diff(t, "Get after Update of the policies", up, mustGet(t, st, "pol"))

		// Ensure stores them too.
		ens := withPolicies("ens")
		ens.TaskName = "ensured"
		got = mustEnsure(t, st, ens, true)
		diff(t, "Ensure's task with policies", normalize(t, ens), got, ignoreUpdatedAt, ignoreCreatedAt)
		diff(t, "Get of the ensured task", got, mustGet(t, st, "ens"))
	})

	s.storeLeaf(t, "policy_validation", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, sampleTask("ok"))
		before := mustGet(t, st, "ok")
		for _, c := range []struct {
			field string
			edit  func(*schedstore.Task)
		}{
			{"Misfire", func(t *schedstore.Task) { t.Misfire = "later" }},
			{"MaxCatchUp", func(t *schedstore.Task) { t.MaxCatchUp = -1 }},
			{"MisfireGrace", func(t *schedstore.Task) { t.MisfireGrace = -time.Second }},
			{"MisfireGrace", func(t *schedstore.Task) { t.MisfireGrace = time.Nanosecond }},
			{"Overlap", func(t *schedstore.Task) { t.Overlap = "queue" }},
			{"Jitter", func(t *schedstore.Task) { t.Jitter = schedstore.MaxJitter + time.Microsecond }},
			{"Jitter", func(t *schedstore.Task) { t.Jitter = -time.Microsecond }},
		} {
			bad := taskWith("bad", c.edit)
			wantField(t, "Create with a bad "+c.field, st.Create(t.Context(), bad), c.field)
			_, _, err := st.Ensure(t.Context(), taskWith("bad", c.edit))
			wantField(t, "Ensure with a bad "+c.field, err, c.field)
			upd := taskWith("ok", c.edit)
			wantField(t, "Update with a bad "+c.field, st.Update(t.Context(), upd), c.field)
		}
		if _, err := st.Get(t.Context(), "bad"); !wantIs(t, "Get after the rejected creates", err, schedstore.ErrNotFound) {
			return
		}
		diff(t, "Get after the rejected updates", before, mustGet(t, st, "ok"))
	})

	s.storeLeaf(t, "pause_and_resume", func(t *testing.T, st schedstore.Store) {
		// Every 5 minutes on the grid of past: long overdue.
		created := mustCreate(t, st, taskWith("job", func(t *schedstore.Task) {
			t.Schedule, t.NextRunAt, t.Misfire = "300", at(past), schedstore.MisfireAll
		}))
		before := time.Now()
		paused := mustPause(t, st, "job", "deploy in progress")
		after := time.Now()
		if paused.Enabled || paused.PausedAt == nil || paused.PauseReason != "deploy in progress" ||
			paused.Version != created.Version+1 {
			t.Fatalf("Pause returned Enabled %v, PausedAt %v, PauseReason %q, Version %d; want disabled, paused, the reason, version %d",
				paused.Enabled, paused.PausedAt, paused.PauseReason, paused.Version, created.Version+1)
		}
		wantNow(t, "PausedAt", *paused.PausedAt, before, after)
		diff(t, "NextRunAt after Pause", created.NextRunAt, paused.NextRunAt)
		diff(t, "Get after Pause", paused, mustGet(t, st, "job"))
		wantNoClaim(t, st, "ClaimDue of a paused task", "worker", base)

		// Pausing again keeps PausedAt and replaces the reason.
		again := mustPause(t, st, "job", "")
		diff(t, "PausedAt after a second Pause", paused.PausedAt, again.PausedAt)
		if again.PauseReason != "" || again.Version != paused.Version+1 {
			t.Errorf("second Pause: PauseReason %q, Version %d; want \"\", %d", again.PauseReason, again.Version, paused.Version+1)
		}

		before = time.Now()
		resumed := mustResume(t, st, "job")
		after = time.Now()
		if !resumed.Enabled || resumed.PausedAt != nil || resumed.PauseReason != "" || resumed.Version != again.Version+1 {
			t.Fatalf("Resume returned Enabled %v, PausedAt %v, PauseReason %q, Version %d; want enabled, not paused, version %d",
				resumed.Enabled, resumed.PausedAt, resumed.PauseReason, resumed.Version, again.Version+1)
		}
		// The next future slot on the grid: no burst for the paused window,
		// whatever the misfire policy.
		next := resumed.NextRunAt
		if next == nil || !next.After(before.Add(-time.Second)) || next.After(after.Add(5*time.Minute)) ||
			next.Sub(past)%(5*time.Minute) != 0 {
			t.Errorf("NextRunAt after Resume = %v; want the first slot of past + k*5m after now (%v)", next, before)
		}
		wantNow(t, "UpdatedAt after Resume", resumed.UpdatedAt, before, after)
		diff(t, "Get after Resume", resumed, mustGet(t, st, "job"))
		wantNoClaim(t, st, "ClaimDue right after Resume", "worker", after)
		wantNoFires(t, st, "the paused window", "job")

		// Resume of an enabled task changes nothing.
		diff(t, "Resume of an enabled task", resumed, mustResume(t, st, "job"))
	})

	s.storeLeaf(t, "resume_slots", func(t *testing.T, st schedstore.Store) {
		// A NextRunAt still in the future is kept.
		mustCreate(t, st, taskWith("future", func(t *schedstore.Task) { t.NextRunAt = at(base) }))
		mustPause(t, st, "future", "")
		diff(t, "NextRunAt after Resume of a task due in the future", at(base), mustResume(t, st, "future").NextRunAt)

		// A one-time task whose instant passed has no next slot: not paused,
		// but still disabled, with no next run.
		gone := schedstore.NewOneTime("gone", past)
		gone.ID = "gone"
		mustCreate(t, st, gone)
		mustPause(t, st, "gone", "missed it")
		got := mustResume(t, st, "gone")
		if got.Enabled || got.NextRunAt != nil || got.PausedAt != nil || got.PauseReason != "" {
			t.Errorf("Resume of a past one-time task: Enabled %v, NextRunAt %v, PausedAt %v, PauseReason %q; want disabled, no next run, not paused",
				got.Enabled, got.NextRunAt, got.PausedAt, got.PauseReason)
		}
		diff(t, "Get after Resume of a past one-time task", got, mustGet(t, st, "gone"))

		// One still to come resumes onto its instant.
		one := schedstore.NewOneTime("soon", base)
		one.ID = "soon"
		mustCreate(t, st, one)
		mustPause(t, st, "soon", "")
		got = mustResume(t, st, "soon")
		if !got.Enabled {
			t.Errorf("Resume of a future one-time task left it disabled")
		}
		diff(t, "NextRunAt after Resume of a future one-time task", at(base), got.NextRunAt)

		// Cron: the first activation after now.
		mustCreate(t, st, taskWith("cron", func(t *schedstore.Task) {
			t.ScheduleType, t.Schedule, t.NextRunAt = schedstore.ScheduleCron, "0 3 * * *", at(past)
		}))
		mustPause(t, st, "cron", "")
		now := time.Now()
		got = mustResume(t, st, "cron")
		if n := got.NextRunAt; n == nil || !n.After(now.Add(-time.Second)) || n.After(now.Add(25*time.Hour)) ||
			n.Hour() != 3 || n.Minute() != 0 || n.Second() != 0 {
			t.Errorf("NextRunAt after Resume of a daily 03:00 cron task = %v, want the next 03:00 UTC after %v", n, now)
		}
	})

	s.storeLeaf(t, "pause_errors", func(t *testing.T, st schedstore.Store) {
		_, err := st.Pause(t.Context(), "nope", "")
		wantIs(t, "Pause of an unknown ID", err, schedstore.ErrNotFound)
		_, err = st.Resume(t.Context(), "nope")
		wantIs(t, "Resume of an unknown ID", err, schedstore.ErrNotFound)
		_, err = st.Pause(t.Context(), "", "")
		wantIs(t, "Pause of an empty ID", err, schedstore.ErrNotFound)

		created := mustCreate(t, st, sampleTask("job"))
		for _, reason := range []string{strings.Repeat("é", schedstore.MaxPauseReasonBytes/2+1), "a\x00b", "\xff"} {
			_, err = st.Pause(t.Context(), "job", reason)
			wantField(t, "Pause with a bad reason", err, "PauseReason")
		}
		diff(t, "Get after the rejected pauses", created, mustGet(t, st, "job"))
		// The longest reason is kept whole.
		long := strings.Repeat("é", schedstore.MaxPauseReasonBytes/2)
		diff(t, "PauseReason of the longest reason", long, mustPause(t, st, "job", long).PauseReason)
	})

	s.storeLeaf(t, "update_and_pause", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, sampleTask("job"))
		paused := mustPause(t, st, "job", "hold")
		// An Update that leaves the task disabled keeps the pause.
		edit := *paused
		edit.Description, edit.PausedAt, edit.PauseReason = "edited", nil, ""
		if err := st.Update(t.Context(), &edit); err != nil {
			t.Fatalf("Update of a paused task: %v", err)
		}
		got := mustGet(t, st, "job")
		if got.Description != "edited" || got.PausedAt == nil || !got.PausedAt.Equal(*paused.PausedAt) || got.PauseReason != "hold" {
			t.Errorf("after an Update that keeps it disabled: Description %q, PausedAt %v, PauseReason %q; want edited, still paused",
				got.Description, got.PausedAt, got.PauseReason)
		}
		// One that enables it ends the pause, and says so in *t.
		got.Enabled = true
		if err := st.Update(t.Context(), got); err != nil {
			t.Fatalf("Update that enables: %v", err)
		}
		if got.PausedAt != nil || got.PauseReason != "" {
			t.Errorf("Update that enables wrote back PausedAt %v, PauseReason %q; want none", got.PausedAt, got.PauseReason)
		}
		diff(t, "Get after an Update that enables", got, mustGet(t, st, "job"))
	})

	s.storeLeaf(t, "pause_resume_concurrent", func(t *testing.T, st schedstore.Store) {
		// Pause and Resume race each other and a writer bumping the version:
		// each call succeeds (it reads again after losing), and every Pause
		// and Resume counts once in Version.
		created := mustCreate(t, st, dueTask("job", 0, at(past)))
		const each = 6
		var wg sync.WaitGroup
		errs := make(chan error, 3*each)
		for i := range each {
			wg.Go(func() {
				_, err := st.Pause(t.Context(), "job", fmt.Sprintf("p%d", i))
				errs <- err
			})
			wg.Go(func() {
				_, err := st.Resume(t.Context(), "job")
				errs <- err
			})
			wg.Go(func() {
				errs <- st.UpdateRunTimes(t.Context(), "job", past, base)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent Pause, Resume, UpdateRunTimes: %v", err)
			}
		}
		got := mustGet(t, st, "job")
		if got.Version > created.Version+3*each {
			t.Errorf("Version %d after %d changes from %d", got.Version, 3*each, created.Version)
		}
		if got.Enabled == (got.PausedAt != nil) {
			t.Errorf("Enabled %v with PausedAt %v: a paused task must be disabled, a resumed one enabled", got.Enabled, got.PausedAt)
		}
	})

	s.storeLeaf(t, "pause_during_claim", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		c := mustClaimOne(t, st, "worker", past, "job")
		mustPause(t, st, "job", "")
		// The claim in flight still completes, but the task stays disabled.
		mustComplete(t, st, c, at(base))
		got := mustGet(t, st, "job")
		if got.Enabled || got.PausedAt == nil {
			t.Errorf("after a completion of a paused task: Enabled %v, PausedAt %v; want still paused", got.Enabled, got.PausedAt)
		}
		diff(t, "ListFires", []schedstore.Fire{fireOf(c)}, mustFires(t, st, "job", 0), ignoreFireClock)
	})

	s.storeLeaf(t, "ledger_missed_and_skipped", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("miss", 0, at(past)))
		mustCreate(t, st, dueTask("skip", 0, at(past)))
		mustCreate(t, st, dueTask("man", 0, at(past)))
		claims := mustClaim(t, st, "worker", past, testLease, 3)
		if len(claims) != 3 {
			t.Fatalf("claimed %q, want 3", claimIDs(claims))
		}
		byID := map[string]schedstore.Claim{}
		for _, c := range claims {
			byID[c.Task.ID] = c
		}
		finished := past.Add(time.Hour)
		manual := byID["man"]
		manual.Kind = schedstore.FireManual
		wantCompleted(t, st, []schedstore.Completion{
			{Claim: byID["miss"], NextRun: at(base), Status: schedstore.FireMissed, Occurrences: 3,
				LastScheduledFor: past.Add(10 * time.Minute), FinishedAt: finished},
			{Claim: byID["skip"], NextRun: at(base), FinishedAt: finished,
				Skipped: &schedstore.SkippedRun{First: past.Add(5 * time.Minute), Last: past.Add(15 * time.Minute), Count: 3}},
			{Claim: manual, NextRun: at(base), FinishedAt: finished},
		}, nil)

		diff(t, "ListFires(miss)", []schedstore.Fire{{
			TaskID: "miss", ScheduledFor: past, Owner: "worker", StartedAt: at(past), FinishedAt: finished,
			Status: schedstore.FireMissed, Attempts: 1, Kind: schedstore.FireScheduled, Occurrences: 3,
			LastScheduledFor: past.Add(10 * time.Minute),
		}}, mustFires(t, st, "miss", 0))
		diff(t, "ListFires(skip), newest occurrence first", []schedstore.Fire{{
			TaskID: "skip", ScheduledFor: past.Add(5 * time.Minute), Owner: "worker", FinishedAt: finished,
			Status: schedstore.FireSkipped, Attempts: 1, Kind: schedstore.FireScheduled, Occurrences: 3,
			LastScheduledFor: past.Add(15 * time.Minute),
		}, {
			TaskID: "skip", ScheduledFor: past, Owner: "worker", StartedAt: at(past), FinishedAt: finished,
			Status: schedstore.FireSucceeded, Attempts: 1, Kind: schedstore.FireScheduled, Occurrences: 1,
			LastScheduledFor: past,
		}}, mustFires(t, st, "skip", 0))
		diff(t, "ListFires(man)", []schedstore.Fire{{
			TaskID: "man", ScheduledFor: past, Owner: "worker", StartedAt: at(past), FinishedAt: finished,
			Status: schedstore.FireSucceeded, Attempts: 1, Kind: schedstore.FireManual, Occurrences: 1,
			LastScheduledFor: past,
		}}, mustFires(t, st, "man", 0))
	})

	s.storeLeaf(t, "ledger_skipped_already_recorded", func(t *testing.T, st schedstore.Store) {
		// A skipped row whose first occurrence the ledger holds is dropped;
		// the completion still succeeds.
		mustCreate(t, st, dueTask("job", 0, at(past)))
		c := mustClaimOne(t, st, "worker", past, "job")
		mustComplete(t, st, c, at(past.Add(time.Minute)))
		c2 := mustClaimOne(t, st, "worker", past.Add(time.Minute), "job")
		wantCompleted(t, st, []schedstore.Completion{{Claim: c2, NextRun: at(base),
			Skipped: &schedstore.SkippedRun{First: past, Last: past, Count: 1}}}, nil)
		fires := mustFires(t, st, "job", 0)
		if len(fires) != 2 || fires[1].Status != schedstore.FireSucceeded || fires[0].Status != schedstore.FireSucceeded {
			t.Errorf("ListFires = %+v; want the two succeeded fires only", fires)
		}
	})

	s.storeLeaf(t, "ledger_validation", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		c := mustClaimOne(t, st, "worker", past, "job")
		bogus := c
		bogus.Kind = "replay"
		for _, bad := range []struct {
			field string
			in    schedstore.Completion
		}{
			{"Claim.Kind", schedstore.Completion{Claim: bogus}},
			{"Status", schedstore.Completion{Claim: c, Status: "lost"}},
			{"Occurrences", schedstore.Completion{Claim: c, Occurrences: -1}},
			{"LastScheduledFor", schedstore.Completion{Claim: c, LastScheduledFor: past.Add(-time.Second)}},
			{"Skipped.Count", schedstore.Completion{Claim: c, Skipped: &schedstore.SkippedRun{First: past, Last: past}}},
			{"Skipped.LastScheduledFor", schedstore.Completion{Claim: c,
				Skipped: &schedstore.SkippedRun{First: base, Last: past, Count: 2}}},
		} {
			_, err := st.CompleteClaims(t.Context(), []schedstore.Completion{bad.in})
			wantField(t, "CompleteClaims with a bad "+bad.field, err, bad.field)
		}
		wantNoFires(t, st, "the rejected completions", "job")
		// The claim is still live.
		wantCompleted(t, st, []schedstore.Completion{{Claim: c, NextRun: at(base)}}, nil)
	})

	s.storeLeaf(t, "stale_claim_records_no_skipped_row", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		c := mustClaimOne(t, st, "worker", past, "job")
		if err := st.ReleaseClaim(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		wantCompleted(t, st, []schedstore.Completion{{Claim: c, NextRun: at(base),
			Skipped: &schedstore.SkippedRun{First: past.Add(time.Minute), Last: past.Add(time.Minute), Count: 1}}},
			[]error{schedstore.ErrLeaseLost})
		wantNoFires(t, st, "a stale completion with a skipped run", "job")
	})
}

func mustPause(t testing.TB, st schedstore.Store, id, reason string) *schedstore.Task {
	t.Helper()
	got, err := st.Pause(context.Background(), id, reason)
	if err != nil {
		t.Fatalf("Pause(%q): %v", id, err)
	}
	return got
}

func mustResume(t testing.TB, st schedstore.Store, id string) *schedstore.Task {
	t.Helper()
	got, err := st.Resume(context.Background(), id)
	if err != nil {
		t.Fatalf("Resume(%q): %v", id, err)
	}
	return got
}

var ignoreCreatedAt = cmpopts.IgnoreFields(schedstore.Task{}, "CreatedAt")
