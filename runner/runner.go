package runner

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/flowrra/schedstore"
)

// DefaultMaxSleep bounds the loop's sleep when MaxSleep is not set.
const DefaultMaxSleep = time.Minute

// Runner fires the due tasks of one backend. Set the fields, then call Run
// or RunOnce; a Runner is not meant to run twice at the same time.
type Runner struct {
	// Backend holds the tasks. The Runner never closes it.
	Backend schedstore.Backend
	// Fire delivers each occurrence (see JSONLines and Exec).
	Fire FireFunc
	// Clock defaults to the system clock.
	Clock Clock
	// MaxSleep bounds every sleep (default DefaultMaxSleep), so tasks that
	// another process adds or changes are seen within that time.
	MaxSleep time.Duration
	// Logger receives the loop's events; nil discards them.
	Logger *slog.Logger

	// When Backend is a schedstore.Store (every adapter is), the loop claims
	// due occurrences with leases, so several Runners on one database fire
	// each occurrence once; see claimSource. Owner names this Runner in
	// leases and in the fire ledger (default DefaultOwner()); Lease is how
	// long a claim is held (default DefaultLease): longer than a fire takes;
	// ClaimLimit is how many occurrences one pass claims (default
	// DefaultClaimLimit).
	Owner      string
	Lease      time.Duration
	ClaimLimit int

	src source // nil: chosen from Backend by source()
}

// RunOnce fires every task that is due now, then returns. A Fire error is
// only logged; an error reading or updating the backend is returned.
func (r *Runner) RunOnce(ctx context.Context) error {
	if err := r.check(); err != nil {
		return err
	}
	_, err := r.fireDue(ctx)
	return err
}

// Run fires due tasks until ctx is cancelled, sleeping until the next run
// time (at most MaxSleep) in between. Cancelling lets the fire in progress
// finish and record itself, then Run returns nil. Backend errors are logged
// and retried with a growing delay, never returned: a scheduler should
// outlive a database restart.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.check(); err != nil {
		return err
	}
	log := r.logger()
	log.Info("scheduler started", "max_sleep", r.maxSleep())
	defer log.Info("scheduler stopped")
	failures := 0
	for {
		fired, err := r.fireDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var next time.Time
		var pending bool
		if err == nil {
			next, pending, err = r.source().nextDue(ctx)
		}
		if err != nil {
			failures++
		} else {
			failures = 0
		}
		wait := r.wait(r.clock().Now(), next, pending, fired, failures)
		if err != nil {
			log.Error("backend error; retrying", "err", err, "retry_in", wait)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.clock().After(wait):
		}
	}
}

func (r *Runner) check() error {
	if r.Fire == nil {
		return errors.New("runner: Fire is nil")
	}
	if r.src == nil && r.Backend == nil {
		return errors.New("runner: Backend is nil")
	}
	return nil
}

func (r *Runner) source() source {
	if r.src == nil {
		r.src = r.newSource()
	}
	return r.src
}

func (r *Runner) newSource() source {
	st, ok := r.Backend.(schedstore.Store)
	if !ok {
		return backendSource{b: r.Backend}
	}
	cs := &claimSource{s: st, owner: r.Owner, lease: r.Lease, limit: r.ClaimLimit, log: r.logger(), clock: r.clock()}
	if cs.owner == "" {
		cs.owner = DefaultOwner()
	}
	if cs.lease <= 0 {
		cs.lease = DefaultLease
	}
	if cs.limit <= 0 {
		cs.limit = DefaultClaimLimit
	}
	return cs
}

func (r *Runner) clock() Clock {
	if r.Clock != nil {
		return r.Clock
	}
	return realClock{}
}

func (r *Runner) maxSleep() time.Duration {
	if r.MaxSleep > 0 {
		return r.MaxSleep
	}
	return DefaultMaxSleep
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}
