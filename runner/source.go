package runner

import (
	"context"
	"time"

	"github.com/flowrra/schedstore"
)

// source decides what is due and records that it fired. It is the only part
// of the loop that knows how tasks are claimed, so that claiming them with
// leases (several scheduler instances on one database) replaces this
// interface's implementation and nothing else.
type source interface {
	// due returns the occurrences to fire now, in firing order.
	due(ctx context.Context, now time.Time) ([]occurrence, error)
	// done records that occ fired. A nil next means the task has no further
	// run: it is disabled and its NextRunAt cleared.
	done(ctx context.Context, occ occurrence, next *time.Time) error
	// abandon hands back an occurrence that due returned but the loop did
	// not fire because it is stopping, so that it is due again at once (a
	// lease would otherwise keep it until it expired).
	abandon(ctx context.Context, occ occurrence) error
	// stale reports that occ must not be fired any more (its lease may
	// have passed to another instance); it is skipped, not abandoned.
	stale(occ occurrence) bool
	// nextDue returns the earliest run time still pending, for the loop to
	// sleep until; ok is false when nothing is scheduled.
	nextDue(ctx context.Context) (at time.Time, ok bool, err error)
}

// occurrence is one due run of a task.
type occurrence struct {
	task      *schedstore.Task // as read when found due
	scheduled time.Time        // the run time that came due
	claim     *claimed         // set by claimSource
}
