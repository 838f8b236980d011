package runner

import (
	"context"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// Trigger with a Runner active: the task fires once, as a manual fire,
// within about a second, and its schedule's next run does not move.
func TestTriggerFiresOnceWithoutMovingTheSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 2 s")
	}
	forEachDatabase(t, func(t *testing.T, db database) {
		s := db.open(t)
		next := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		tk := task("t", schedstore.ScheduleInterval, "1h", &next)
		create(t, s, tk)
		var c calls
		runInBackground(t, &Runner{Store: s, Handler: recordOnly(&c)})
		time.Sleep(300 * time.Millisecond) // the runner is asleep until the task's next run
		at, err := s.Trigger(context.Background(), "t")
		if err != nil {
			t.Fatal(err)
		}
		triggered := time.Now()
		eventually(t, 5*time.Second, "the manual fire recorded", func() bool { return len(fires(t, s, "t")) == 1 })
		jobs, starts := c.snapshot()
		if len(jobs) != 1 || jobs[0].Kind != schedstore.FireManual || !jobs[0].ScheduledFor.Equal(at) {
			t.Fatalf("jobs %+v, want one manual job for %v", jobs, at)
		}
		if d := starts[0].Sub(triggered); d > 1500*time.Millisecond {
			t.Fatalf("the trigger ran %v after it was made, want within about a second", d)
		}
		f := fires(t, s, "t")[0]
		if f.Kind != schedstore.FireManual || f.Status != schedstore.FireSucceeded {
			t.Fatalf("ledger %+v, want a succeeded manual fire", f)
		}
		if got := get(t, s, "t"); !got.NextRunAt.Equal(next) || got.LastRunAt != nil {
			t.Fatalf("NextRunAt %v LastRunAt %v, want the schedule untouched (%v, nil)", got.NextRunAt, got.LastRunAt, next)
		}
		time.Sleep(1200 * time.Millisecond)
		if n := c.count(); n != 1 {
			t.Fatalf("%d jobs, want the trigger fired once", n)
		}
	})
}

// The same backfill twice fires each missing occurrence once, through the
// runners, oldest first.
func TestBackfillTwiceFiresOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 2 s")
	}
	forEachDatabase(t, func(t *testing.T, db database) {
		s := db.open(t)
		next := time.Now().Add(time.Hour).Truncate(time.Hour)
		tk := task("b", schedstore.ScheduleInterval, "1h", &next)
		create(t, s, tk)
		from, to := next.Add(-5*time.Hour), next.Add(-2*time.Hour) // three slots on the task's grid
		ctx := context.Background()
		dry, err := s.Backfill(ctx, "b", from, to, true)
		if err != nil || len(dry) != 3 {
			t.Fatalf("dry run: %v, %v; want 3 occurrences", dry, err)
		}
		queued, err := s.Backfill(ctx, "b", from, to, false)
		if err != nil || len(queued) != 3 {
			t.Fatalf("backfill: %v, %v; want 3 queued", queued, err)
		}
		if again, err := s.Backfill(ctx, "b", from, to, false); err != nil || len(again) != 0 {
			t.Fatalf("the same backfill again queued %v, %v; want nothing", again, err)
		}
		var c calls
		runInBackground(t, &Runner{Store: s, Handler: recordOnly(&c)})
		eventually(t, 10*time.Second, "three backfill fires", func() bool { return len(fires(t, s, "b")) == 3 })
		if again, err := s.Backfill(ctx, "b", from, to, false); err != nil || len(again) != 0 {
			t.Fatalf("after they fired, the same backfill queued %v, %v; want nothing", again, err)
		}
		time.Sleep(1200 * time.Millisecond)
		jobs, _ := c.snapshot()
		if len(jobs) != 3 {
			t.Fatalf("%d jobs, want 3", len(jobs))
		}
		for i, j := range jobs {
			if want := from.Add(time.Duration(i) * time.Hour); j.Kind != schedstore.FireBackfill || !j.ScheduledFor.Equal(want) {
				t.Fatalf("job %d: %s for %v, want backfill for %v (oldest first)", i, j.Kind, j.ScheduledFor, want)
			}
		}
		if got := get(t, s, "b"); !got.NextRunAt.Equal(next) {
			t.Fatalf("NextRunAt %v, want the schedule untouched (%v)", got.NextRunAt, next)
		}
	})
}
