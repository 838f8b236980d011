package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// prefetchStore records what each ClaimDue took, and can spoil the
// renewals of one task: answer that its claim is lost, or fail to renew
// it (it is then not renewed in the database either).
type prefetchStore struct {
	schedstore.Store
	spoil string // a task ID, or "" for none
	lost  bool   // spoil's renewals answer ErrLeaseLost; else they fail

	mu     sync.Mutex
	claims [][]string // the task IDs of each non-empty ClaimDue, in its order
}

func (s *prefetchStore) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedstore.Claim, error) {
	claims, err := s.Store.ClaimDue(ctx, owner, now, lease, limit)
	if len(claims) > 0 {
		ids := make([]string, len(claims))
		for i, c := range claims {
			ids[i] = c.Task.ID
		}
		s.mu.Lock()
		s.claims = append(s.claims, ids)
		s.mu.Unlock()
	}
	return claims, err
}

func (s *prefetchStore) RenewClaims(ctx context.Context, claims []schedstore.Claim, lease time.Duration) ([]error, error) {
	errs := make([]error, len(claims))
	var keep []schedstore.Claim
	var at []int
	for i, c := range claims {
		switch {
		case c.Task.ID != s.spoil:
			keep, at = append(keep, c), append(at, i)
		case s.lost:
			errs[i] = schedstore.ErrLeaseLost
		default:
			errs[i] = errors.New("renewal failed (test)")
		}
	}
	if len(keep) > 0 {
		renewed, err := s.Store.RenewClaims(ctx, keep, lease)
		if err != nil {
			return nil, err
		}
		for j, i := range at {
			errs[i] = renewed[j]
		}
	}
	return errs, nil
}

func (s *prefetchStore) claimed() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.claims)
}

// ids lists the task IDs of jobs, in order.
func ids(jobs []Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

// Six due tasks of two priorities, one slot, one claim of all six: the
// five queued start one by one as the slot frees, in the Store's order
// (priority descending, next run, ID), never two at once, each recorded
// once.
func TestPrefetchStartsQueuedClaimsInOrder(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		s := &prefetchStore{Store: db.open(t)}
		base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
		type spec struct {
			id       string
			priority int
			late     time.Duration
		}
		specs := []spec{{"low-1", 0, 0}, {"high-2", 5, 2 * time.Second}, {"low-0", 0, 0},
			{"high-1", 5, time.Second}, {"high-0", 5, time.Second}, {"low-2", 0, -time.Second}}
		for _, sp := range specs {
			due := base.Add(sp.late)
			tk := task(sp.id, schedstore.ScheduleInterval, "1h", &due)
			tk.Priority = sp.priority
			create(t, s, tk)
		}
		want := []string{"high-0", "high-1", "high-2", "low-2", "low-0", "low-1"}

		var c calls
		var mu sync.Mutex
		running, most := 0, 0
		r := &Runner{Store: s, Owner: "one", Concurrency: 1, prefetchAlways: true,
			Handler: HandlerFunc(func(ctx context.Context, j Job) error {
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				c.add(j)
				time.Sleep(10 * time.Millisecond) // let a wrongly started second job overlap
				mu.Lock()
				running--
				mu.Unlock()
				return nil
			})}
		if err := r.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := s.claimed(); len(got) != 1 || !slices.Equal(got[0], want) {
			t.Fatalf("claims %v, want one claim of all six in the Store's order %v", got, want)
		}
		jobs, _ := c.snapshot()
		if got := ids(jobs); !slices.Equal(got, want) {
			t.Fatalf("jobs started in the order %v, want %v", got, want)
		}
		if most != 1 {
			t.Fatalf("%d jobs ran at once, want 1 (Concurrency 1)", most)
		}
		for _, id := range want {
			if f := fires(t, s, id); len(f) != 1 || f[0].Status != schedstore.FireSucceeded || f[0].Owner != "one" || f[0].Attempts != 1 {
				t.Fatalf("%s: ledger %+v, want one row, succeeded by one at attempt 1", id, f)
			}
		}
	})
}

// Stopping while claims wait in the queue: they are handed back at once,
// while the job in flight still has its shutdown grace, and another runner
// claims and fires them. None of them ran, so the hand-back (ReturnClaim)
// uncounts the attempt each claim counted: the other runner fires them as
// attempt 1, and a task with MaxRetries 0 still gets its one run (rather
// than being recorded failed, "attempt 1 of 1 lost", without running).
// Nothing new starts on the stopping runner; the job in flight finishes and
// is recorded.
func TestPrefetchHandsBackQueuedClaimsOnStop(t *testing.T) {
	for _, maxRetries := range []int{1, 0} {
		t.Run(fmt.Sprintf("max_retries_%d", maxRetries), func(t *testing.T) {
			forEachDatabase(t, func(t *testing.T, db database) {
				testHandBackQueuedOnStop(t, db, maxRetries)
			})
		})
	}
}

func testHandBackQueuedOnStop(t *testing.T, db database, maxRetries int) {
	s1 := &prefetchStore{Store: db.open(t)}
	s2 := db.open(t)
	due := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	all := []string{"a", "b", "c", "d"}
	for _, id := range all {
		tk := task(id, schedstore.ScheduleInterval, "1h", &due)
		tk.MaxRetries = maxRetries
		create(t, s1, tk)
	}

	var c1 calls
	started, unblock := make(chan struct{}), make(chan struct{})
	r1 := &Runner{Store: s1, Owner: "one", Concurrency: 1, ShutdownGrace: time.Minute, prefetchAlways: true,
		Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			c1.add(j)
			if j.ID == "a" {
				close(started)
				<-unblock // past the stop: the grace lets it finish
			}
			return nil
		})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- r1.Run(ctx) }()
	defer func() {
		select {
		case <-unblock:
		default:
			close(unblock)
		}
	}()
	<-started
	if got := s1.claimed(); len(got) != 1 || !slices.Equal(got[0], all) {
		t.Fatalf("claims %v, want one claim of %v (three of them queued)", got, all)
	}
	cancel()

	// While a still runs: b, c and d are claimable again, and fire on
	// another runner.
	var c2 calls
	r2 := &Runner{Store: s2, Owner: "two", Handler: HandlerFunc(func(ctx context.Context, j Job) error {
		c2.add(j)
		return nil
	})}
	// Until b, c and d are in the ledger (by whatever outcome: the checks
	// below say which).
	eventually(t, 15*time.Second, "b, c and d recorded by runner two", func() bool {
		if err := r2.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, id := range all[1:] {
			if len(fires(t, s2, id)) == 0 {
				return false
			}
		}
		return true
	})
	close(unblock)
	if err := <-ran; err != nil {
		t.Fatal(err)
	}

	jobs1, _ := c1.snapshot()
	if got := ids(jobs1); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("runner one started %v, want only a", got)
	}
	jobs2, _ := c2.snapshot()
	slices.SortFunc(jobs2, func(x, y Job) int { return cmp.Compare(x.ID, y.ID) })
	if got := ids(jobs2); !slices.Equal(got, []string{"b", "c", "d"}) {
		t.Fatalf("runner two started %v, want b, c, d once each", got)
	}
	for _, j := range jobs2 {
		if j.Attempt != 1 || j.MaxAttempts != maxRetries+1 {
			t.Fatalf("%s ran as attempt %d of %d, want 1 of %d: the handed-back claim never ran, its attempt is not spent",
				j.ID, j.Attempt, j.MaxAttempts, maxRetries+1)
		}
	}
	for _, id := range all {
		owner := "two"
		if id == "a" {
			owner = "one"
		}
		if f := fires(t, s1, id); len(f) != 1 || f[0].Status != schedstore.FireSucceeded || f[0].Owner != owner || f[0].Attempts != 1 {
			t.Fatalf("%s: ledger %+v, want one row, succeeded by %s at attempt 1", id, f, owner)
		}
	}
}

// Once Run's context has ended, a slot that frees starts no queued claim,
// even before the loop has noticed the end (here it is held up in
// NextDue): the queue is handed back whole, and another runner fires it.
func TestPrefetchStartsNothingAfterStop(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		hold := make(chan struct{})
		s1 := &heldNextDue{prefetchStore: prefetchStore{Store: db.open(t)}, hold: hold}
		s2 := db.open(t)
		due := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
		all := []string{"a", "b", "c"}
		for _, id := range all {
			tk := task(id, schedstore.ScheduleInterval, "1h", &due)
			tk.MaxRetries = 1
			create(t, s1, tk)
		}
		var c1 calls
		started, finish := make(chan struct{}), make(chan struct{})
		r1 := &Runner{Store: s1, Owner: "one", Concurrency: 1, prefetchAlways: true,
			Handler: HandlerFunc(func(ctx context.Context, j Job) error {
				c1.add(j)
				if j.ID == "a" {
					close(started)
					<-finish
				}
				return nil
			})}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ran := make(chan error, 1)
		go func() { ran <- r1.Run(ctx) }()
		released := false
		defer func() {
			if !released {
				close(hold)
			}
		}()
		<-started
		if got := s1.claimed(); len(got) != 1 || !slices.Equal(got[0], all) {
			t.Fatalf("claims %v, want one claim of %v (b and c queued)", got, all)
		}
		cancel()
		close(finish) // a ends after the stop: its slot frees while b and c wait
		// a's outcome is written after its slot was freed (and the queue
		// looked at): once it is in the ledger, b would have started.
		eventually(t, 15*time.Second, "a recorded", func() bool { return len(fires(t, s1, "a")) == 1 })
		close(hold)
		released = true
		if err := <-ran; err != nil {
			t.Fatal(err)
		}
		if got := ids(jobsOf(&c1)); !slices.Equal(got, []string{"a"}) {
			t.Fatalf("runner one started %v after its context ended, want only a", got)
		}
		var c2 calls
		r2 := &Runner{Store: s2, Owner: "two", Handler: HandlerFunc(func(ctx context.Context, j Job) error {
			c2.add(j)
			return nil
		})}
		if err := r2.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := ids(jobsOf(&c2))
		slices.Sort(got)
		if !slices.Equal(got, []string{"b", "c"}) {
			t.Fatalf("runner two started %v, want b and c (handed back)", got)
		}
	})
}

// heldNextDue holds every NextDue call until hold is closed.
type heldNextDue struct {
	prefetchStore
	hold <-chan struct{}
}

func (s *heldNextDue) NextDue(ctx context.Context) (time.Time, bool, error) {
	<-s.hold
	return s.prefetchStore.NextDue(ctx)
}

func jobsOf(c *calls) []Job {
	jobs, _ := c.snapshot()
	return jobs
}

// A queued claim whose lease is lost (a renewal answers that another owner
// holds it) or can no longer be trusted (its renewals fail) is never
// started: its lease runs out in the database, another runner fires it,
// and the first runner goes on with the rest of its queue.
func TestPrefetchDropsAQueuedClaimWhoseLeaseIsLost(t *testing.T) {
	if testing.Short() {
		t.Skip("real time: a 2 s lease runs out")
	}
	for _, lost := range []bool{true, false} {
		name := "unrenewed"
		if lost {
			name = "lost"
		}
		t.Run(name, func(t *testing.T) {
			forEachDatabase(t, func(t *testing.T, db database) {
				s1 := &prefetchStore{Store: db.open(t), spoil: "b", lost: lost}
				s2 := db.open(t)
				due := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
				all := []string{"a", "b", "c"}
				for _, id := range all {
					tk := task(id, schedstore.ScheduleInterval, "1h", &due)
					tk.MaxRetries = 1
					create(t, s1, tk)
				}
				var c1 calls
				started, unblock := make(chan struct{}), make(chan struct{})
				r1 := &Runner{Store: s1, Owner: "one", Concurrency: 1, Lease: 2 * time.Second, prefetchAlways: true,
					Handler: HandlerFunc(func(ctx context.Context, j Job) error {
						c1.add(j)
						if j.ID == "a" {
							close(started)
							select { // holds the only slot until b has fired elsewhere
							case <-unblock:
							case <-ctx.Done():
								return context.Cause(ctx)
							}
						}
						return nil
					})}
				stop := runInBackground(t, r1)
				defer func() {
					select {
					case <-unblock:
					default:
						close(unblock)
					}
				}()
				<-started
				if got := s1.claimed(); len(got) != 1 || !slices.Equal(got[0], all) {
					t.Fatalf("claims %v, want one claim of %v (b and c queued)", got, all)
				}

				// b's lease runs out in the database (it is not renewed
				// there); another runner then fires it.
				var c2 calls
				r2 := &Runner{Store: s2, Owner: "two", Handler: HandlerFunc(func(ctx context.Context, j Job) error {
					c2.add(j)
					return nil
				})}
				eventually(t, 20*time.Second, "b fired by runner two", func() bool {
					if err := r2.RunOnce(context.Background()); err != nil {
						t.Fatal(err)
					}
					return c2.count() >= 1
				})
				close(unblock) // the slot frees: c starts, b must not
				eventually(t, 15*time.Second, "c recorded", func() bool { return len(fires(t, s1, "c")) == 1 })
				stop()

				jobs1, _ := c1.snapshot()
				if got := ids(jobs1); !slices.Equal(got, []string{"a", "c"}) {
					t.Fatalf("runner one started %v, want a then c: b's claim was lost while queued", got)
				}
				jobs2, _ := c2.snapshot()
				if got := ids(jobs2); !slices.Equal(got, []string{"b"}) {
					t.Fatalf("runner two started %v, want b once", got)
				}
				for _, id := range all {
					owner := "one"
					if id == "b" {
						owner = "two"
					}
					if f := fires(t, s1, id); len(f) != 1 || f[0].Status != schedstore.FireSucceeded || f[0].Owner != owner {
						t.Fatalf("%s: ledger %+v, want one row, succeeded by %s", id, f, owner)
					}
				}
			})
		})
	}
}

// A later claim's occurrences join the queue in the Store's order:
// requested ones first, then by priority, next run and ID, each behind
// those of the same rank already queued.
func TestPrefetchQueueKeepsTheStoreOrder(t *testing.T) {
	s := memStore(t)
	r := &Runner{Store: s, Handler: HandlerFunc(func(context.Context, Job) error { return nil })}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing starts: the claims stay queued, then are handed back
	e, err := r.start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claim := func(id string, priority int, at time.Duration, kind schedstore.FireKind) schedstore.Claim {
		return schedstore.Claim{Task: &schedstore.Task{ID: id, TaskName: "job." + id, Priority: priority},
			ScheduledFor: t0.Add(at), Owner: e.owner, Token: 1, Attempt: 1, Kind: kind}
	}
	e.hold([]schedstore.Claim{
		claim("p5-a", 5, 0, ""), claim("p5-b", 5, time.Second, ""), claim("p0-a", 0, 0, ""),
	}, time.Now())
	e.hold([]schedstore.Claim{
		claim("manual", 0, time.Hour, schedstore.FireManual), claim("p9", 9, time.Hour, ""),
		claim("p5-0", 5, 0, ""), claim("p5-c", 5, time.Second, ""), claim("p0-b", 0, time.Minute, ""),
	}, time.Now())
	var got []string
	e.qmu.Lock()
	for _, h := range e.queue {
		got = append(got, h.lease.claim().Task.ID)
	}
	e.qmu.Unlock()
	want := []string{"manual", "p9", "p5-0", "p5-a", "p5-b", "p5-c", "p0-a", "p0-b"}
	if !slices.Equal(got, want) {
		t.Fatalf("queue %v, want %v", got, want)
	}
	e.stop() // hands the (made-up) claims back: the store finds none of them
	if n := len(e.leases.held); n != 0 {
		t.Fatalf("%d leases still held after stop", n)
	}
}

// When a claim may take more than the free slots.
func TestMayPrefetch(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name     string
		prefetch int
		full     bool
		end      time.Time
		took     time.Duration
		want     bool
	}{
		{"a backlog of short jobs", 32, true, now, time.Second, true},
		{"the last claim was short: no backlog", 32, false, now, time.Second, false},
		{"slots slow to free against a claim", 32, true, now.Add(-time.Hour), time.Millisecond, false},
		{"prefetching off", 0, true, now, time.Second, false},
	} {
		e := &engine{r: &Runner{}, prefetch: tc.prefetch, lastFull: tc.full, lastEnd: tc.end, lastTook: tc.took}
		if got := e.mayPrefetch(); got != tc.want {
			t.Errorf("%s: mayPrefetch() = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct{ set, want int }{{0, DefaultPrefetch}, {5, 5}, {-1, 0}} {
		r := &Runner{Store: memStore(t), Prefetch: tc.set, Handler: HandlerFunc(func(context.Context, Job) error { return nil })}
		e, err := r.start(context.Background())
		if err != nil {
			t.Fatalf("Prefetch %d: %v", tc.set, err)
		}
		e.stop()
		if e.prefetch != tc.want {
			t.Errorf("Prefetch %d: the queue's bound is %d, want %d", tc.set, e.prefetch, tc.want)
		}
	}
}
