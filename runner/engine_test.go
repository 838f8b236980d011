package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// Eight tasks come due at one instant and each job takes 2 s: with the
// default concurrency every attempt starts within a second of its
// scheduled time, and the next slot (4 s later) is not skipped.
func TestConcurrentJobsStartOnTime(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 8 s")
	}
	forEachDatabase(t, func(t *testing.T, db database) {
		s := db.open(t)
		due := time.Now().Add(time.Second).Truncate(time.Millisecond)
		for i := range 8 {
			tk := task(fmt.Sprintf("t%d", i), schedstore.ScheduleInterval, "4s", &due)
			create(t, s, tk)
		}
		var c calls
		r := &Runner{Store: s, Owner: "one", Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			c.add(j)
			time.Sleep(2 * time.Second)
			return nil
		})}
		stop := runInBackground(t, r)
		eventually(t, 15*time.Second, "16 jobs (two occurrences of eight tasks)", func() bool { return c.count() >= 16 })
		stop()
		jobs, starts := c.snapshot()
		for i, j := range jobs {
			if late := starts[i].Sub(j.ScheduledFor); late > time.Second || late < 0 {
				t.Errorf("%s at %s started %v after its time, want within 1s", j.ID, j.ScheduledFor, late)
			}
		}
		for i := range 8 {
			id := fmt.Sprintf("t%d", i)
			var got []time.Time
			for _, j := range jobs {
				if j.ID == id {
					got = append(got, j.ScheduledFor)
				}
			}
			if len(got) < 2 || !got[1].Equal(due.Add(4*time.Second)) {
				t.Errorf("%s fired for %v, want %v then %v (no slot skipped)", id, got, due.UTC(), due.Add(4*time.Second).UTC())
			}
		}
	})
}

// Two schedulers with a 2 s lease and a job of 5 s: the lease is renewed
// while the job runs, so the occurrence runs exactly once.
func TestLongJobIsNotFiredAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 7 s")
	}
	forEachDatabase(t, func(t *testing.T, db database) {
		s1, s2 := db.open(t), db.open(t)
		due := time.Now().Truncate(time.Millisecond)
		create(t, s1, task("long", schedstore.ScheduleInterval, "1h", &due))
		var c calls
		handler := HandlerFunc(func(ctx context.Context, j Job) error {
			c.add(j)
			select {
			case <-time.After(5 * time.Second):
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		})
		for i, s := range []schedstore.Store{s1, s2} {
			runInBackground(t, &Runner{Store: s, Owner: fmt.Sprintf("runner-%d", i), Lease: 2 * time.Second,
				Handler: handler, MaxSleep: 200 * time.Millisecond})
		}
		eventually(t, 12*time.Second, "the occurrence recorded", func() bool { return len(fires(t, s1, "long")) == 1 })
		time.Sleep(500 * time.Millisecond) // a second start would have happened by now
		if n := c.count(); n != 1 {
			t.Fatalf("the job ran %d times, want 1", n)
		}
		f := fires(t, s1, "long")[0]
		if f.Status != schedstore.FireSucceeded || f.Attempts != 1 {
			t.Fatalf("ledger: %+v, want succeeded after 1 attempt", f)
		}
		if took := f.FinishedAt.Sub(*f.StartedAt); took < 5*time.Second {
			t.Fatalf("ledger says the fire took %v, want at least the job's 5s", took)
		}
	})
}

// A job that fails twice then succeeds, MaxRetries=2, RetryDelay=1s: three
// attempts about a second apart, recorded as succeeded after 3 attempts. One
// that always fails: three attempts, failed, its error kept.
func TestRetries(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: about 3 s")
	}
	forEachDatabase(t, func(t *testing.T, db database) {
		s := db.open(t)
		due := time.Now().Truncate(time.Millisecond)
		flaky := task("flaky", schedstore.ScheduleInterval, "1h", &due)
		broken := task("broken", schedstore.ScheduleInterval, "1h", &due)
		for _, tk := range []*schedstore.Task{flaky, broken} {
			tk.MaxRetries, tk.RetryDelay = 2, time.Second
		}
		create(t, s, flaky, broken)
		var c calls
		r := &Runner{Store: s, Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			c.add(j)
			if j.ID == "broken" || j.Attempt < 3 {
				return fmt.Errorf("%s: attempt %d failed", j.ID, j.Attempt)
			}
			return nil
		})}
		if err := r.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		jobs, starts := c.snapshot()
		for _, id := range []string{"flaky", "broken"} {
			var attempts []int
			var times []time.Time
			for i, j := range jobs {
				if j.ID == id {
					attempts = append(attempts, j.Attempt)
					times = append(times, starts[i])
				}
			}
			if fmt.Sprint(attempts) != "[1 2 3]" {
				t.Fatalf("%s: attempts %v, want [1 2 3]", id, attempts)
			}
			for i := 1; i < len(times); i++ {
				if gap := times[i].Sub(times[i-1]); gap < 900*time.Millisecond || gap > 2*time.Second {
					t.Errorf("%s: %v between attempts %d and %d, want about 1s", id, gap, i, i+1)
				}
			}
		}
		if f := fires(t, s, "flaky"); len(f) != 1 || f[0].Status != schedstore.FireSucceeded || f[0].Attempts != 3 || f[0].Error != "" {
			t.Fatalf("flaky ledger: %+v, want one row, succeeded after 3 attempts", f)
		}
		f := fires(t, s, "broken")
		if len(f) != 1 || f[0].Status != schedstore.FireFailed || f[0].Attempts != 3 || f[0].Error != "broken: attempt 3 failed" {
			t.Fatalf("broken ledger: %+v, want one row, failed after 3 attempts with the last error", f)
		}
		if tk := get(t, s, "broken"); tk.NextRunAt == nil || !tk.NextRunAt.After(due) || !tk.Enabled {
			t.Fatalf("broken: NextRunAt %v Enabled %v: a failed occurrence still advances the task", tk.NextRunAt, tk.Enabled)
		}
	})
}

// An attempt that outlives Timeout is cancelled and counts as failed.
func TestTimeoutFailsTheAttempt(t *testing.T) {
	s := memStore(t, task("slow", schedstore.ScheduleInterval, "1h", at(0)))
	r := &Runner{Store: s, Timeout: 100 * time.Millisecond, Clock: &fakeClock{now: t0},
		Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			<-ctx.Done()
			return context.Cause(ctx)
		})}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := fires(t, s, "slow")
	if len(f) != 1 || f[0].Status != schedstore.FireFailed || !strings.Contains(f[0].Error, "timed out after 100ms") {
		t.Fatalf("ledger: %+v, want failed: timed out", f)
	}
}

// A claim that renewal finds lost stops its job at once, and nothing is
// recorded for it.
func TestLostClaimCancelsTheJob(t *testing.T) {
	s := memStore(t, task("a", schedstore.ScheduleInterval, "1h", at(0)))
	lost := lostStore{Store: s}
	cause := make(chan error, 1)
	r := &Runner{Store: lost, Lease: 80 * time.Millisecond, Clock: &fakeClock{now: t0},
		Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			select {
			case <-ctx.Done():
				cause <- context.Cause(ctx)
				return ctx.Err()
			case <-time.After(5 * time.Second):
				cause <- nil
				return nil
			}
		})}
	if err := r.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-cause; !errors.Is(err, schedstore.ErrLeaseLost) {
		t.Fatalf("the job's context ended with %v, want ErrLeaseLost", err)
	}
	if f := fires(t, s, "a"); len(f) != 0 {
		t.Fatalf("ledger %+v, want nothing recorded for a lost claim", f)
	}
}

// lostStore answers every renewal: lost.
type lostStore struct{ schedstore.Store }

func (l lostStore) RenewClaims(_ context.Context, claims []schedstore.Claim, _ time.Duration) ([]error, error) {
	errs := make([]error, len(claims))
	for i := range errs {
		errs[i] = schedstore.ErrLeaseLost
	}
	return errs, nil
}

// Stopping during a job: it finishes within the grace and is recorded.
// Past the grace: it is cancelled, its claim handed back, nothing recorded.
func TestShutdownGrace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		grace    time.Duration
		recorded bool
	}{{"finishes", 5 * time.Second, true}, {"cancelled", 50 * time.Millisecond, false}} {
		t.Run(tc.name, func(t *testing.T) {
			s := memStore(t, task("a", schedstore.ScheduleInterval, "1h", at(0)))
			started := make(chan struct{})
			r := &Runner{Store: s, ShutdownGrace: tc.grace, Clock: &fakeClock{now: t0},
				Handler: HandlerFunc(func(ctx context.Context, j Job) error {
					close(started)
					select {
					case <-time.After(300 * time.Millisecond):
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})}
			stop := runInBackground(t, r)
			<-started
			stop()
			tk := get(t, s, "a")
			if got := len(fires(t, s, "a")) == 1; got != tc.recorded {
				t.Fatalf("recorded = %v, want %v", got, tc.recorded)
			}
			if tc.recorded && !tk.NextRunAt.Equal(*at(time.Hour)) {
				t.Fatalf("NextRunAt = %v, want advanced to t0+1h", tk.NextRunAt)
			}
			if !tc.recorded {
				// Handed back: claimable at once, by anyone.
				claims, err := s.ClaimDue(context.Background(), "other", t0, time.Minute, 1)
				if err != nil || len(claims) != 1 || claims[0].Attempt != 2 {
					t.Fatalf("after hand-back: claims %+v, %v; want it claimable, as attempt 2", claims, err)
				}
			}
		})
	}
}
