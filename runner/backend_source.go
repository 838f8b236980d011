package runner

import (
	"context"
	"errors"
	"time"

	"github.com/flowrra/schedstore"
)

// backendSource is the single-instance source: ListDue finds the due tasks
// and UpdateRunTimes advances them. Two instances on one database would
// both fire every task.
type backendSource struct{ b schedstore.Backend }

func (s backendSource) due(ctx context.Context, now time.Time) ([]occurrence, error) {
	tasks, err := s.b.ListDue(ctx, now)
	if err != nil {
		return nil, err
	}
	occs := make([]occurrence, 0, len(tasks))
	for _, t := range tasks {
		if t.NextRunAt == nil { // ListDue never returns one; be safe anyway
			continue
		}
		occs = append(occs, occurrence{task: t, scheduled: *t.NextRunAt})
	}
	return occs, nil
}

func (s backendSource) done(ctx context.Context, occ occurrence, next *time.Time) error {
	id := occ.task.ID
	if next != nil {
		return ignoreNotFound(s.b.UpdateRunTimes(ctx, id, occ.scheduled, *next))
	}
	// Clearing NextRunAt first, in one atomic write, is what stops the task
	// firing again even if disabling it below fails.
	if err := s.b.UpdateRunTimes(ctx, id, occ.scheduled, time.Time{}); err != nil {
		return ignoreNotFound(err)
	}
	return ignoreNotFound(disable(ctx, s.b, id))
}

// conflictRetries bounds the re-reads after a concurrent edit.
const conflictRetries = 3

// disable re-reads the task and updates it at the version read, so that
// Update, which replaces every field, cannot undo an edit made meanwhile;
// a conflicting edit makes it read again.
func disable(ctx context.Context, b schedstore.Backend, id string) error {
	for attempt := 1; ; attempt++ {
		t, err := b.Get(ctx, id)
		if err != nil || !t.Enabled {
			return err
		}
		t.Enabled = false
		err = b.Update(ctx, t)
		if !errors.Is(err, schedstore.ErrConflict) || attempt == conflictRetries {
			return err
		}
	}
}

// stale is never true: without leases an occurrence stays this loop's.
func (backendSource) stale(occurrence) bool { return false }

// abandon has nothing to hand back: nothing was claimed, and the task is
// still due.
func (backendSource) abandon(context.Context, occurrence) error { return nil }

func (s backendSource) nextDue(ctx context.Context) (time.Time, bool, error) {
	tasks, err := s.b.ListEnabled(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	// ListEnabled orders by NextRunAt with nulls last, so the first task
	// with a run time has the earliest.
	for _, t := range tasks {
		if t.NextRunAt != nil {
			return *t.NextRunAt, true, nil
		}
	}
	return time.Time{}, false, nil
}

// ignoreNotFound drops ErrNotFound: a task deleted while it fired needs no
// bookkeeping.
func ignoreNotFound(err error) error {
	if errors.Is(err, schedstore.ErrNotFound) {
		return nil
	}
	return err
}
