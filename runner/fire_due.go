package runner

import (
	"context"
	"errors"
	"time"

	"github.com/flowrra/schedstore/schedule"
)

// fireDue fires what is due now and returns how many occurrences it handled.
// It stops early, between two fires, when ctx is cancelled.
func (r *Runner) fireDue(ctx context.Context) (int, error) {
	occs, err := r.source().due(ctx, r.clock().Now())
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for i, occ := range occs {
		if ctx.Err() != nil {
			for _, rest := range occs[i:] {
				if err := r.source().abandon(context.WithoutCancel(ctx), rest); err != nil {
					errs = append(errs, err)
				}
			}
			break
		}
		if r.source().stale(occ) {
			// Its lease may be someone else's by now: they fire it.
			r.logger().Warn("claim too old to fire; leaving it to the next claimant",
				"id", occ.task.ID, "scheduled_for", occ.scheduled)
			continue
		}
		// A fire that has started finishes and is recorded even if the
		// loop is asked to stop meanwhile.
		if err := r.fireOne(context.WithoutCancel(ctx), occ); err != nil {
			errs = append(errs, err)
		}
		n++
	}
	return n, errors.Join(errs...)
}

// fireOne fires one occurrence and advances the task: to the schedule's next
// run after the fire, or, for a one-time task, to none (disabled).
func (r *Runner) fireOne(ctx context.Context, occ occurrence) error {
	t := occ.task
	log := r.logger().With("id", t.ID, "task", t.TaskName)
	sched, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil {
		// Only a row written around validation gets here. Firing it on a
		// schedule nobody can read would be a guess, and leaving it due
		// would make every pass trip over it.
		log.Error("unreadable schedule; disabling the task", "schedule", t.Schedule, "err", err)
		return r.source().done(ctx, occ, nil)
	}
	f := Fire{
		ID:           t.ID,
		TaskName:     t.TaskName,
		Args:         orEmptyList(t.Args),
		Kwargs:       orEmptyObject(t.Kwargs),
		ScheduledFor: occ.scheduled.UTC(),
		FiredAt:      r.clock().Now().UTC(),
	}
	if err := r.Fire(ctx, f); err != nil {
		log.Warn("fire failed", "scheduled_for", f.ScheduledFor, "err", err)
	} else {
		log.Info("fired", "scheduled_for", f.ScheduledFor, "took", r.clock().Now().Sub(f.FiredAt).Round(time.Millisecond))
	}
	// Next is taken after the fire so that a fire longer than the interval
	// skips the slots it overran instead of firing again at once.
	var next *time.Time
	if at, ok := sched.Next(occ.scheduled, r.clock().Now()); ok {
		next = &at
	} else if t.ScheduleType != schedule.KindOneTime {
		log.Warn("schedule has no further run; disabling the task", "schedule", t.Schedule)
	}
	if err := r.source().done(ctx, occ, next); err != nil {
		log.Error("recording the fire failed; the task may fire again", "err", err)
		return err
	}
	return nil
}

func orEmptyList(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

func orEmptyObject(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
