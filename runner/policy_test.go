package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// runUntilIdle calls RunOnce until a pass runs no job: what a scheduler
// running through that instant would do.
func runUntilIdle(t *testing.T, r *Runner, c *calls) {
	t.Helper()
	for range 50 {
		before := len(fireRows(t, r.Store))
		if err := r.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(fireRows(t, r.Store)) == before {
			return
		}
	}
	t.Fatal("still firing after 50 passes")
}

func fireRows(t *testing.T, s schedstore.Store) []schedstore.Fire {
	t.Helper()
	tasks, err := s.ListAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []schedstore.Fire
	for _, tk := range tasks {
		out = append(out, fires(t, s, tk.ID)...)
	}
	return out
}

func recordOnly(c *calls) Handler {
	return HandlerFunc(func(_ context.Context, j Job) error { c.add(j); return nil })
}

// MisfireSkip after ten missed occurrences fires none of them: one missed
// row covers them, and the task goes on from the next future slot.
func TestMisfireSkipFiresNothingMissed(t *testing.T) {
	forEachDatabase(t, testMisfireSkip)
}

func testMisfireSkip(t *testing.T, db database) {
	tk := task("s", schedstore.ScheduleInterval, "10s", at(0))
	tk.Misfire = schedstore.MisfireSkip
	s := db.open(t)
	create(t, s, tk)
	var c calls
	r := &Runner{Store: s, Handler: recordOnly(&c), Clock: &fakeClock{now: t0.Add(95 * time.Second)}}
	runUntilIdle(t, r, &c)
	f := fires(t, s, "s")
	if c.count() != 0 || len(f) != 1 || f[0].Status != schedstore.FireMissed || f[0].Occurrences != 10 ||
		!f[0].ScheduledFor.Equal(t0) || !f[0].LastScheduledFor.Equal(*at(90 * time.Second)) {
		t.Fatalf("jobs %d, ledger %+v; want no job and one missed row for t0..t0+90s (10)", c.count(), f)
	}
	if got := get(t, s, "s"); !got.NextRunAt.Equal(*at(100 * time.Second)) {
		t.Fatalf("NextRunAt = %v, want the next future slot t0+100s", got.NextRunAt)
	}
}

// MisfireAll with MaxCatchUp 5 after ten missed: the five most recent
// fire, oldest first, on the grid; the five older are one missed row.
func TestMisfireAllCatchesUpOnTheGrid(t *testing.T) {
	forEachDatabase(t, testMisfireAll)
}

func testMisfireAll(t *testing.T, db database) {
	tk := task("a", schedstore.ScheduleInterval, "10s", at(0))
	tk.Misfire, tk.MaxCatchUp = schedstore.MisfireAll, 5
	s := db.open(t)
	create(t, s, tk)
	var c calls
	r := &Runner{Store: s, Handler: recordOnly(&c), Clock: &fakeClock{now: t0.Add(95 * time.Second)}, Concurrency: 1}
	runUntilIdle(t, r, &c)
	jobs, _ := c.snapshot()
	var got []time.Duration
	for _, j := range jobs {
		got = append(got, j.ScheduledFor.Sub(t0))
	}
	want := []time.Duration{50 * time.Second, 60 * time.Second, 70 * time.Second, 80 * time.Second, 90 * time.Second}
	if len(got) != len(want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %v, want %v", got, want)
		}
	}
	f := fires(t, s, "a")
	missed := f[len(f)-1] // newest occurrence first: the missed row is the oldest
	if missed.Status != schedstore.FireMissed || missed.Occurrences != 5 || !missed.LastScheduledFor.Equal(*at(40 * time.Second)) {
		t.Fatalf("oldest ledger row %+v, want missed t0..t0+40s (5)", missed)
	}
	if got := get(t, s, "a"); !got.NextRunAt.Equal(*at(100 * time.Second)) {
		t.Fatalf("NextRunAt = %v, want t0+100s", got.NextRunAt)
	}
}

// A one-time task past its grace is recorded missed and disabled.
func TestGraceMakesALateOneTimeTaskMissed(t *testing.T) {
	forEachDatabase(t, testGrace)
}

func testGrace(t *testing.T, db database) {
	tk := task("o", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0))
	tk.MisfireGrace = time.Minute
	s := db.open(t)
	create(t, s, tk)
	var c calls
	r := &Runner{Store: s, Handler: recordOnly(&c), Clock: &fakeClock{now: t0.Add(5 * time.Minute)}}
	runUntilIdle(t, r, &c)
	f := fires(t, s, "o")
	if got := get(t, s, "o"); c.count() != 0 || got.Enabled || len(f) != 1 || f[0].Status != schedstore.FireMissed {
		t.Fatalf("jobs %d, enabled %v, ledger %+v; want not fired, disabled, recorded missed", c.count(), got.Enabled, f)
	}
	// Within its grace it fires.
	tk2 := task("o2", schedstore.ScheduleOneTime, t0.Format(time.RFC3339), at(0))
	tk2.MisfireGrace = 10 * time.Minute
	create(t, s, tk2)
	runUntilIdle(t, r, &c)
	if f := fires(t, s, "o2"); c.count() != 1 || len(f) != 1 || f[0].Status != schedstore.FireSucceeded {
		t.Fatalf("within grace: jobs %d, ledger %+v; want fired", c.count(), f)
	}
}

// OverlapSkip: the occurrences that come due while a long job runs are
// recorded skipped; OverlapBufferOne starts the latest of them right after.
func TestOverlapPolicies(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 4 s")
	}
	for _, policy := range []schedstore.OverlapPolicy{schedstore.OverlapSkip, schedstore.OverlapBufferOne} {
		t.Run(string(policy), func(t *testing.T) {
			forEachDatabase(t, func(t *testing.T, db database) { testOverlap(t, db.open(t), policy) })
		})
	}
}

func testOverlap(t *testing.T, s schedstore.Store, policy schedstore.OverlapPolicy) {
	{
		{
			due := time.Now().Add(200 * time.Millisecond).Truncate(time.Millisecond)
			tk := task("long", schedstore.ScheduleInterval, "1s", &due)
			tk.Overlap = policy
			create(t, s, tk)
			var c calls
			r := &Runner{Store: s, Handler: HandlerFunc(func(ctx context.Context, j Job) error {
				if c.add(j) == 1 {
					time.Sleep(2500 * time.Millisecond) // overruns the next two slots
				}
				return nil
			})}
			stop := runInBackground(t, r)
			eventually(t, 8*time.Second, "a second job", func() bool { return c.count() >= 2 })
			stop()
			jobs, starts := c.snapshot()
			var skipped *schedstore.Fire
			for _, f := range fires(t, s, "long") {
				if f.Status == schedstore.FireSkipped {
					skipped = &f
				}
			}
			switch policy {
			case schedstore.OverlapSkip:
				if skipped == nil || skipped.Occurrences != 2 || !skipped.ScheduledFor.Equal(due.Add(time.Second)) {
					t.Fatalf("skipped row %+v, want t+1s..t+2s (2)", skipped)
				}
				if !jobs[1].ScheduledFor.Equal(due.Add(3 * time.Second)) {
					t.Fatalf("second job for %v, want the next future slot t+3s", jobs[1].ScheduledFor.Sub(due))
				}
			case schedstore.OverlapBufferOne:
				if skipped == nil || skipped.Occurrences != 1 || !skipped.ScheduledFor.Equal(due.Add(time.Second)) {
					t.Fatalf("skipped row %+v, want t+1s (1)", skipped)
				}
				if !jobs[1].ScheduledFor.Equal(due.Add(2*time.Second)) || starts[1].Sub(starts[0]) > 3*time.Second {
					t.Fatalf("second job for t+%v started %v after the first, want the buffered t+2s right after the first ended",
						jobs[1].ScheduledFor.Sub(due), starts[1].Sub(starts[0]))
				}
			}
		}
	}
}

// Jitter delays the start by the same amount on every scheduler: the one
// derived from the task and the occurrence.
func TestJitterIsTheSameOnEveryRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 3 s")
	}
	forEachDatabase(t, func(t *testing.T, db database) {
		s1, s2 := db.open(t), db.open(t)
		due := time.Now().Add(300 * time.Millisecond).Truncate(time.Millisecond)
		tk := task("j", schedstore.ScheduleInterval, "1h", &due)
		tk.Jitter = 2 * time.Second
		create(t, s1, tk)
		var c calls
		for i, s := range []schedstore.Store{s1, s2} {
			runInBackground(t, &Runner{Store: s, Owner: "r" + string(rune('0'+i)), Handler: recordOnly(&c), MaxSleep: 100 * time.Millisecond})
		}
		eventually(t, 6*time.Second, "the job", func() bool { return c.count() == 1 })
		jobs, starts := c.snapshot()
		want := due.Add(schedule.Jitter("j", due.UTC(), 2*time.Second))
		if d := starts[0].Sub(want); d < 0 || d > 500*time.Millisecond || !jobs[0].ScheduledFor.Equal(due) {
			t.Fatalf("started %v after the jittered time %v (scheduled_for %v), want within 0.5s and the nominal occurrence",
				d, want, jobs[0].ScheduledFor)
		}
	})
}

// A claim stopped while it waits for its Jitter never ran: it is handed
// back uncounted (ReturnClaim), so the next claim of the occurrence is
// attempt 1 again, and a task with MaxRetries 0 keeps its one run.
func TestStopDuringJitterHandsBackUncounted(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		s1 := &prefetchStore{Store: db.open(t)}
		s2 := db.open(t)
		due := time.Now().Add(-time.Second).Truncate(time.Millisecond)
		// An ID whose jitter for this occurrence is far ahead: the runner
		// claims it, then waits.
		id := ""
		for i := 0; id == ""; i++ {
			if cand := fmt.Sprintf("j%d", i); schedule.Jitter(cand, due.UTC(), time.Hour) > 10*time.Minute {
				id = cand
			}
		}
		tk := task(id, schedstore.ScheduleInterval, "1h", &due)
		tk.Jitter = time.Hour
		create(t, s1, tk)
		stop := runInBackground(t, &Runner{Store: s1, Owner: "one", ShutdownGrace: time.Minute,
			Handler: HandlerFunc(func(ctx context.Context, j Job) error {
				t.Errorf("%s ran during its jitter", j.ID)
				return nil
			})})
		eventually(t, 15*time.Second, "the claim", func() bool { return len(s1.claimed()) == 1 })
		stop()
		claims, err := s2.ClaimDue(context.Background(), "two", time.Time{}, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(claims) != 1 || claims[0].Task.ID != id || claims[0].Attempt != 1 {
			t.Fatalf("claims after the stop %+v, want %s as attempt 1", claims, id)
		}
		if f := fires(t, s2, id); len(f) != 0 {
			t.Fatalf("ledger %+v after the stop, want nothing recorded", f)
		}
	})
}
