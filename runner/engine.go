package runner

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/flowrra/schedstore"
)

// errShutdown is the cause a job's context carries when the shutdown grace
// has passed.
var errShutdown = errors.New("runner: stopped after the shutdown grace")

// engine is one Run or RunOnce: the claim loop, the jobs in flight, the
// lease keeper and the completer. Every goroutine it starts is waited for
// by stop.
type engine struct {
	r       *Runner
	store   schedstore.Store
	handler Handler
	owner   string
	lease   time.Duration
	limit   int
	timeout time.Duration
	grace   time.Duration
	clock   Clock
	log     *slog.Logger

	slots     chan struct{} // one token per job in flight: a semaphore of Concurrency
	prefetch  int           // the queue's bound (Runner.Prefetch); 0: a claim takes only free slots
	wake      chan struct{} // a slot was freed or completions were recorded: look again
	stopping  chan struct{} // closed when the engine stops: retry waits end
	pollEvery time.Duration
	stopOnce  sync.Once
	jobs      sync.WaitGroup

	// jobCtx is the parent of every job's context: it outlives the caller's
	// context (a job that has started may finish), and is cancelled only
	// after the shutdown grace.
	jobCtx    context.Context
	cancelJob context.CancelCauseFunc
	// runCtx is the caller's: once it ends, no claim starts any more.
	runCtx context.Context

	// The claims taken and not started yet (prefetch.go), in the Store's
	// order; each counts in jobs until it has run, was dropped, or was
	// handed back. closed: stopping, the queue was handed back.
	qmu    sync.Mutex
	queue  []*heldClaim
	closed bool

	// The last claim, for mayPrefetch; only the claim loop uses them.
	lastFull bool          // it got all it asked for
	lastEnd  time.Time     // when it returned
	lastTook time.Duration // its round trip

	leases    *leaseKeeper
	completer *completer
	tel       *telemetry // metrics and spans (telemetry.go)
}

func (r *Runner) start(ctx context.Context) (*engine, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	e := &engine{
		r: r, store: r.Store, handler: r.Handler,
		owner:     r.Owner,
		lease:     orDefault(r.Lease, DefaultLease),
		limit:     orDefault(r.ClaimLimit, DefaultClaimLimit),
		timeout:   r.Timeout,
		grace:     orDefault(r.ShutdownGrace, DefaultShutdownGrace),
		clock:     r.clock(),
		log:       r.logger(),
		slots:     make(chan struct{}, orDefault(r.Concurrency, DefaultConcurrency)),
		wake:      make(chan struct{}, 1),
		stopping:  make(chan struct{}),
		pollEvery: orDefault(r.PollInterval, DefaultPollInterval),
	}
	if e.owner == "" {
		e.owner = DefaultOwner()
	}
	switch {
	case r.Prefetch == 0:
		e.prefetch = DefaultPrefetch
	case r.Prefetch > 0:
		e.prefetch = r.Prefetch
	}
	e.runCtx = ctx
	e.tel = newTelemetry(r)
	e.store = e.tel.wrap(r.Store)
	e.jobCtx, e.cancelJob = context.WithCancelCause(context.WithoutCancel(ctx))
	e.leases = newLeaseKeeper(e.store, e.lease, e.log)
	e.completer = newCompleter(e.store, e.log, e.signal)
	e.leases.start()
	e.completer.start()
	return e, nil
}

// signal wakes the loop without blocking.
func (e *engine) signal() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// claimNow is the now ClaimDue compares with: zero (the database's clock)
// unless the Runner was given a clock of its own.
func (e *engine) claimNow() time.Time {
	if e.r.Clock == nil {
		return time.Time{}
	}
	return e.clock.Now()
}

// claim takes due occurrences, when a slot is free: as many as there are
// free slots, or, when it may prefetch (prefetch.go), as many as the free
// slots and the queue's free room; at most the claim limit either way. It
// queues them and starts what the free slots allow. It reports how many
// it asked for and how many it got.
func (e *engine) claim(ctx context.Context) (want, got int, err error) {
	e.gather(ctx)
	free, queued := e.room()
	if free <= 0 {
		return 0, 0, nil
	}
	want = min(free, e.limit)
	if e.mayPrefetch() {
		want = max(want, min(free+e.prefetch-queued, e.limit))
	}
	claimedAt := time.Now() // the local start of the lease: it is trusted from here
	claims, err := e.store.ClaimDue(ctx, e.owner, e.claimNow(), e.lease, want)
	e.lastEnd = time.Now()
	e.lastTook = e.lastEnd.Sub(claimedAt)
	e.lastFull = err == nil && len(claims) == want
	if err != nil {
		return want, 0, err
	}
	e.hold(claims, claimedAt)
	return want, len(claims), nil
}

// claimGather bounds how long a claim waits for more busy slots to come
// free. Jobs that end together (short jobs, a burst of due occurrences)
// then share one claim, one round trip and one commit, instead of one
// claim each as their slots free one by one. A due occurrence starts at
// most this much later; nothing is claimed while no slot is free.
const claimGather = 2 * time.Millisecond

// gather waits, while some slots are free but fewer than a whole claim,
// for more to come free: at most claimGather, and not at all when every
// slot is busy (the loop waits for a job's end then) or the claim is
// already whole.
func (e *engine) gather(ctx context.Context) {
	whole := min(cap(e.slots), e.limit)
	if free := cap(e.slots) - len(e.slots); free == 0 || free >= whole {
		return
	}
	t := time.NewTimer(claimGather)
	defer t.Stop()
	for cap(e.slots)-len(e.slots) < whole {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case <-e.wake:
		}
	}
}

// loop claims and sleeps until ctx ends.
func (e *engine) loop(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		want, got, err := e.claim(ctx)
		if err == nil && want == 0 {
			e.poll(ctx, e.r.maxSleep()) // every slot is busy: a job's end wakes the loop
			continue
		}
		if err == nil && got == want {
			continue // there may be more due
		}
		var next time.Time
		var pending bool
		if err == nil {
			next, pending, err = e.store.NextDue(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
		} else {
			failures = 0
		}
		wait, poll := e.r.wait(e.clock.Now(), next, pending, got, failures)
		if err != nil {
			e.log.Error("store error; retrying", "err", err, "retry_in", wait)
		}
		if poll {
			e.poll(ctx, wait)
		} else {
			e.sleep(ctx, wait)
		}
	}
}

// sleep waits for d on the Runner's clock, a wake-up or the end of ctx.
// On the system clock it looks again every PollInterval (Store.NextDue, an
// index lookup) and ends early when something came due sooner than
// planned: a Trigger or a Backfill, a task another process added or moved.
func (e *engine) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	if e.r.Clock != nil {
		select {
		case <-ctx.Done():
		case <-e.wake:
		case <-e.clock.After(d):
		}
		return
	}
	deadline := time.Now().Add(d)
	for {
		step := min(time.Until(deadline), e.pollEvery)
		if step <= 0 {
			return
		}
		t := time.NewTimer(step)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.wake:
			t.Stop()
			return
		case <-t.C:
		}
		if time.Until(deadline) <= 0 {
			return
		}
		if at, ok, err := e.store.NextDue(ctx); err == nil && ok && !at.After(time.Now()) {
			return
		}
	}
}

// poll waits for d of real time, a wake-up or the end of ctx.
func (e *engine) poll(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-e.wake:
	case <-t.C:
	}
}

// drain claims until nothing due is left to claim, then waits for the jobs.
func (e *engine) drain(ctx context.Context) error {
	for ctx.Err() == nil {
		want, got, err := e.claim(ctx)
		if err != nil {
			return err
		}
		if want == 0 {
			select { // every slot is busy
			case <-ctx.Done():
			case <-e.wake:
			}
			continue
		}
		if got < want {
			break
		}
	}
	e.waitJobs(ctx)
	return nil
}

// waitJobs waits for the jobs in flight; once ctx ends, for at most the
// shutdown grace, after which their contexts are cancelled.
func (e *engine) waitJobs(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		e.jobs.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	e.stopOnce.Do(func() { close(e.stopping) })
	e.handBackQueued()
	if n := len(e.slots); n > 0 {
		e.log.Info("stopping: waiting for jobs in flight", "jobs", n, "grace", e.grace)
	}
	t := time.NewTimer(e.grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		e.log.Warn("shutdown grace over: cancelling the jobs in flight", "jobs", len(e.slots))
		e.cancelJob(errShutdown)
		<-done
	}
}

// stop ends the engine: the jobs first (within the grace), then the
// completions they left, then the lease keeper that covered them.
func (e *engine) stop() {
	e.waitJobs(cancelledContext())
	e.completer.stop()
	e.leases.stop()
	e.cancelJob(nil)
}

func cancelledContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func (r *Runner) maxSleep() time.Duration { return orDefault(r.MaxSleep, DefaultMaxSleep) }
