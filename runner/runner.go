package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/flowrra/schedstore"
)

// Defaults for the Runner's fields.
const (
	DefaultConcurrency   = 10
	DefaultLease         = 30 * time.Second
	DefaultClaimLimit    = 32
	DefaultMaxSleep      = time.Minute
	DefaultShutdownGrace = 30 * time.Second
	DefaultPollInterval  = time.Second
	DefaultPrefetch      = 32
)

// Runner fires the due occurrences of a Store's tasks through a Handler.
// Set the fields, then call Run or RunOnce; a Runner runs once at a time.
// Any number of Runners, in any number of processes, may share a database.
type Runner struct {
	// Store holds the tasks. The Runner never closes it.
	Store schedstore.Store
	// Handler runs each job (see Mux, JSONLines and Exec).
	Handler Handler
	// Concurrency is how many occurrences run at once (default
	// DefaultConcurrency). A task never has two of its own in flight.
	Concurrency int
	// Timeout bounds one attempt (0: none); an attempt that runs longer is
	// cancelled and counts as failed.
	Timeout time.Duration
	// ShutdownGrace is how long Run waits, once its context ends, for the
	// jobs in flight to finish and be recorded (default
	// DefaultShutdownGrace); then their contexts are cancelled and their
	// claims handed back.
	ShutdownGrace time.Duration
	// Owner names this Runner in leases and the fire ledger (default
	// DefaultOwner()); give every Runner on a database its own.
	Owner string
	// Lease is how long a claim is held without renewal (default
	// DefaultLease). Claims are renewed while their jobs run, so Lease
	// bounds only how long a dead Runner's claims wait for another, not how
	// long a job may take.
	Lease time.Duration
	// ClaimLimit bounds the occurrences one claim takes (default
	// DefaultClaimLimit). A claim takes at most the free slots, plus room
	// in the prefetch queue when it may prefetch (see Prefetch).
	ClaimLimit int
	// Prefetch bounds the claimed occurrences that wait in memory for a
	// slot (default DefaultPrefetch; negative: none, a claim never takes
	// more than the free slots). A Runner prefetches only while it is
	// draining a backlog of short jobs: when its last claim came back
	// full and its slots came free again within a few claim round trips.
	// Queued claims start in the Store's order as slots free, are renewed
	// like running ones, are dropped unstarted if their lease is lost,
	// and are handed back at once when Run's context ends, the attempt
	// each counted uncounted (Store.ReturnClaim): a stop costs them no
	// attempt.
	Prefetch int
	// MaxSleep bounds every sleep (default DefaultMaxSleep), so tasks that
	// another process adds or changes are seen within that time.
	MaxSleep time.Duration
	// PollInterval is how often a sleeping Runner looks (Store.NextDue, an
	// index lookup) for what came due sooner than it planned: a Trigger, a
	// Backfill, a task another process added (default
	// DefaultPollInterval). A job of its own ending wakes it at once.
	PollInterval time.Duration
	// Clock defaults to the system clock. A Clock other than the system's
	// is also the time passed to ClaimDue (tests, simulations); with the
	// system clock, due times and leases are compared on the database's.
	Clock Clock
	// Logger receives the runner's events; nil discards them.
	Logger *slog.Logger

	// MeterProvider and TracerProvider receive the runner's metrics and
	// spans (see the package documentation); nil means OpenTelemetry's
	// global providers, which record nothing unless the application
	// installed some.
	MeterProvider  metric.MeterProvider
	TracerProvider trace.TracerProvider
	// MetricTaskNames adds a task_name label to the per-task metrics
	// (fires, lag, duration, missed, skipped). Off by default: its values
	// grow with the number of tasks.
	MetricTaskNames bool

	// prefetchAlways lets every claim prefetch (tests of the queue, which
	// must not depend on how fast a database answers).
	prefetchAlways bool
}

// DefaultOwner names this process in leases and the fire ledger: host:pid.
func DefaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// Run fires due occurrences until ctx ends, sleeping until the next run
// time (at most MaxSleep) when nothing is due and a slot is free. When ctx
// ends it claims and starts nothing more, hands back at once the claims
// still waiting for a slot (Prefetch), gives the jobs in flight
// ShutdownGrace to finish and records them, cancels the rest and hands
// their claims back, then returns nil. Store errors are logged and retried with a growing
// delay, never returned: a scheduler should outlive a database restart.
func (r *Runner) Run(ctx context.Context) error {
	e, err := r.start(ctx)
	if err != nil {
		return err
	}
	e.log.Info("scheduler started", "owner", e.owner, "concurrency", cap(e.slots), "lease", e.lease, "max_sleep", r.maxSleep())
	defer e.log.Info("scheduler stopped")
	e.loop(ctx)
	e.stop()
	return nil
}

// RunOnce fires every occurrence that is due now, waits until each has
// finished (retries included) and is recorded, then returns. A store error
// is returned; a job's failure is recorded in the fire ledger, not
// returned. Cancelling ctx stops it as it stops Run.
func (r *Runner) RunOnce(ctx context.Context) error {
	e, err := r.start(ctx)
	if err != nil {
		return err
	}
	err = e.drain(ctx)
	e.stop()
	return err
}

func (r *Runner) check() error {
	switch {
	case r.Store == nil:
		return errors.New("runner: Store is nil")
	case r.Handler == nil:
		return errors.New("runner: Handler is nil")
	case r.Concurrency < 0, r.Timeout < 0, r.ShutdownGrace < 0, r.Lease < 0, r.ClaimLimit < 0, r.MaxSleep < 0, r.PollInterval < 0:
		return errors.New("runner: Concurrency, Timeout, ShutdownGrace, Lease, ClaimLimit and MaxSleep must not be negative")
	}
	return nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (r *Runner) clock() Clock {
	if r.Clock != nil {
		return r.Clock
	}
	return realClock{}
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}
