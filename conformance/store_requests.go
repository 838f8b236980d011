package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// testRequests asserts Trigger and Backfill: occurrences queued outside
// the schedule, claimed before the due ones (Claim.Kind manual or
// backfill), completed without moving the task's run times, and recorded
// once. Requests are made on the database's clock (now); claims are made
// at base, after it, on tasks whose next run is long after base.
func testRequests(t *testing.T, s *suite) {
	later := base.Add(100 * 365 * 24 * time.Hour) // never due in these tests

	s.storeLeaf(t, "trigger_fires_once_outside_the_schedule", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(later)))
		before := mustGet(t, st, "job")
		occ, err := st.Trigger(t.Context(), "job")
		if err != nil {
			t.Fatalf("Trigger: %v", err)
		}
		if due, ok, err := st.NextDue(t.Context()); err != nil || !ok || due.After(occ) {
			t.Errorf("NextDue after Trigger = %v, %v, %v; want the triggered run %v", due, ok, err, occ)
		}
		c := mustClaimOne(t, st, "worker-a", base, "job")
		if c.Kind != schedstore.FireManual || !c.ScheduledFor.Equal(occ) || c.Attempt != 1 {
			t.Fatalf("claim %+v, want kind manual for %v, attempt 1", c, occ)
		}
		mustComplete(t, st, c, nil)
		after := mustGet(t, st, "job")
		diff(t, "the task after a manual fire", []any{before.NextRunAt, before.LastRunAt, before.Enabled},
			[]any{after.NextRunAt, after.LastRunAt, after.Enabled})
		fires := mustFires(t, st, "job", 0)
		if len(fires) != 1 || fires[0].Kind != schedstore.FireManual || !fires[0].ScheduledFor.Equal(occ) ||
			fires[0].Status != schedstore.FireSucceeded {
			t.Fatalf("ledger %+v, want one succeeded manual fire for %v", fires, occ)
		}
		wantNoClaim(t, st, "after the manual fire", "worker-b", base)
	})

	s.storeLeaf(t, "trigger_waits_for_a_running_occurrence", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(past)))
		running := mustClaimOne(t, st, "worker-a", past, "job")
		if _, err := st.Trigger(t.Context(), "job"); err != nil {
			t.Fatalf("Trigger: %v", err)
		}
		// The task is leased: the triggered run waits, whoever asks.
		wantNoClaim(t, st, "while the task runs", "worker-b", past.Add(time.Second))
		mustComplete(t, st, running, at(later))
		c := mustClaimOne(t, st, "worker-b", base, "job")
		if c.Kind != schedstore.FireManual {
			t.Fatalf("claim kind %q, want manual once the running occurrence is recorded", c.Kind)
		}
	})

	s.storeLeaf(t, "trigger_unknown", func(t *testing.T, st schedstore.Store) {
		_, err := st.Trigger(t.Context(), "nope")
		wantIs(t, "Trigger of an unknown task", err, schedstore.ErrNotFound)
	})

	s.storeLeaf(t, "backfill_queues_each_missing_occurrence_once", func(t *testing.T, st schedstore.Store) {
		task := dueTask("job", 0, at(later))
		task.ScheduleType, task.Schedule = schedstore.ScheduleCron, "0 * * * *"
		mustCreate(t, st, task)
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		to := from.Add(3 * time.Hour)
		want := []time.Time{from, from.Add(time.Hour), from.Add(2 * time.Hour)}
		dry, err := st.Backfill(t.Context(), "job", from, to, true)
		if err != nil {
			t.Fatalf("Backfill dry run: %v", err)
		}
		diff(t, "the dry run", want, dry)
		wantNoClaim(t, st, "after a dry run", "worker-a", base)
		queued, err := st.Backfill(t.Context(), "job", from, to, false)
		if err != nil {
			t.Fatalf("Backfill: %v", err)
		}
		diff(t, "queued", want, queued)
		again, err := st.Backfill(t.Context(), "job", from, to, false)
		if err != nil || len(again) != 0 {
			t.Fatalf("the same backfill again: %v, %v; want nothing queued", again, err)
		}
		for i, occ := range want {
			c := mustClaimOne(t, st, "worker-a", base, "job")
			if c.Kind != schedstore.FireBackfill || !c.ScheduledFor.Equal(occ) {
				t.Fatalf("claim %d: %s for %v, want backfill for %v (oldest first)", i, c.Kind, c.ScheduledFor, occ)
			}
			mustComplete(t, st, c, nil)
		}
		wantNoClaim(t, st, "after the backfill", "worker-a", base)
		if again, err := st.Backfill(t.Context(), "job", from, to, true); err != nil || len(again) != 0 {
			t.Fatalf("after it fired, a dry run lists %v, %v; want nothing", again, err)
		}
		fires := mustFires(t, st, "job", 0)
		if len(fires) != 3 || fires[0].Kind != schedstore.FireBackfill {
			t.Fatalf("ledger %+v, want three backfill fires", fires)
		}
		if got := mustGet(t, st, "job"); !got.NextRunAt.Equal(later) || got.LastRunAt != nil {
			t.Errorf("the task after the backfill: NextRunAt %v LastRunAt %v, want %v and nil", got.NextRunAt, got.LastRunAt, later)
		}
	})

	s.storeLeaf(t, "backfill_arguments", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(later)))
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		_, err := st.Backfill(t.Context(), "job", from, from, false)
		wantIs(t, "an empty range", err, schedstore.ErrInvalidTask)
		_, err = st.Backfill(t.Context(), "nope", from, from.Add(time.Hour), false)
		wantIs(t, "an unknown task", err, schedstore.ErrNotFound)
		// dueTask is an interval of a minute: a year holds too many.
		_, err = st.Backfill(t.Context(), "job", from, from.AddDate(1, 0, 0), false)
		wantIs(t, "more than MaxBackfill occurrences", err, schedstore.ErrInvalidTask)
		wantNoClaim(t, st, "after refused backfills", "worker-a", base)
	})
}
