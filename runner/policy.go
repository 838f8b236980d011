package runner

import (
	"context"
	"errors"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// maxCountedSlots bounds the walk over an outage's missed occurrences: a
// per-second schedule down for 11 days. A longer outage is recorded as
// this many (the row's LastScheduledFor still says where it ended).
const maxCountedSlots = 1_000_000

// backlog is what a walk over the occurrences of a claimed task, from the
// claimed one through now, found.
type backlog struct {
	count       int         // occurrences due at now, the claimed one included
	recent      []time.Time // the latest of them, oldest first (at most keep)
	last        time.Time   // the latest due occurrence
	withinGrace int         // index of the first one still within the grace (count if none)
}

// walk counts the occurrences of sched from first through now, keeping the
// latest keep of them, and finds the first that still starts within grace
// of its time (jitter included).
func walk(sched schedule.Schedule, t *schedstore.Task, first, now time.Time, keep int, grace time.Duration) backlog {
	b := backlog{withinGrace: -1}
	for at := first; !at.After(now) && b.count < maxCountedSlots; {
		if b.withinGrace < 0 && (grace <= 0 || !now.After(at.Add(jitter(t, at)).Add(grace))) {
			b.withinGrace = b.count
		}
		b.count++
		b.last = at
		b.recent = append(b.recent, at)
		if len(b.recent) > keep {
			b.recent = b.recent[1:]
		}
		next, ok := slotAfter(sched, at)
		if !ok {
			break
		}
		at = next
	}
	if b.withinGrace < 0 {
		b.withinGrace = b.count
	}
	return b
}

// slotAfter is the very next slot of sched after at, however late it is
// now; ok is false when there is none (a one-time schedule) or the
// schedule does not move on.
func slotAfter(sched schedule.Schedule, at time.Time) (time.Time, bool) {
	next, ok := sched.Next(at, at)
	return next, ok && next.After(at)
}

func jitter(t *schedstore.Task, occurrence time.Time) time.Duration {
	return schedule.Jitter(t.ID, occurrence, t.Jitter)
}

// misfire applies the task's misfire policy and grace to a claim of a
// fresh occurrence, before anything runs. It returns the completion that
// records the occurrences not to be fired (status missed) and ok true;
// or ok false: run the claimed occurrence.
//
//   - Grace: the occurrences that would start later than their time +
//     MisfireGrace are recorded missed, in one row; the first that is still
//     within grace becomes the next run (due at once), else the next
//     future slot. A one-time task past its grace is recorded missed and
//     disabled.
//   - MisfireSkip: when more than the claimed occurrence is due (a
//     scheduler was down across a slot), none fires: one missed row, and
//     the next future slot.
//   - MisfireAll: more than MaxCatchUp due: the oldest are recorded missed
//     in one row, and the first of the latest MaxCatchUp becomes the next
//     run; the completions of those then step along the schedule.
//   - MisfireOnce (the default): the claimed occurrence fires for all of
//     them, and its completion skips to the next future slot.
func (e *engine) misfire(c schedstore.Claim, sched schedule.Schedule) (schedstore.Completion, bool) {
	t := c.Task
	now := e.clock.Now()
	keep := 1
	if t.Misfire == schedstore.MisfireAll {
		keep = maxCatchUp(t) + 1
	}
	b := walk(sched, t, c.ScheduledFor, now, keep, t.MisfireGrace)
	if b.count == 0 {
		return schedstore.Completion{}, false // not due yet on this clock: run it
	}
	missedUpTo := 0 // the first missedUpTo occurrences are recorded missed
	var next *time.Time
	switch {
	case b.withinGrace > 0:
		missedUpTo = b.withinGrace
		if b.withinGrace < b.count {
			n := b.nth(sched, c.ScheduledFor, b.withinGrace)
			next = &n
		}
	case t.Misfire == schedstore.MisfireSkip && b.count > 1:
		missedUpTo = b.count
	case t.Misfire == schedstore.MisfireAll && b.count > maxCatchUp(t):
		missedUpTo = b.count - maxCatchUp(t)
		n := b.recent[len(b.recent)-maxCatchUp(t)] // the oldest of the latest MaxCatchUp
		next = &n
	default:
		return schedstore.Completion{}, false
	}
	if next == nil {
		if at, ok := sched.Next(b.last, now); ok {
			next = &at
		}
	}
	lastMissed := c.ScheduledFor
	if missedUpTo > 1 {
		lastMissed = b.nth(sched, c.ScheduledFor, missedUpTo-1)
	}
	return schedstore.Completion{
		Claim: c, Status: schedstore.FireMissed, Attempts: 1, FinishedAt: now, NextRun: next,
		Occurrences: missedUpTo, LastScheduledFor: lastMissed,
	}, true
}

// nth returns the i-th occurrence (0-based) from first.
func (b backlog) nth(sched schedule.Schedule, first time.Time, i int) time.Time {
	if back := b.count - 1 - i; back < len(b.recent) {
		return b.recent[len(b.recent)-1-back]
	}
	at := first
	for range i {
		next, ok := slotAfter(sched, at)
		if !ok {
			break
		}
		at = next
	}
	return at
}

func maxCatchUp(t *schedstore.Task) int {
	if t.MaxCatchUp > 0 {
		return t.MaxCatchUp
	}
	return schedstore.DefaultMaxCatchUp
}

// waitJitter delays the first attempt of an occurrence until its time +
// its jitter, holding the claim (renewed) and the slot. It reports the
// outcome to return if the wait was cut short.
func (e *engine) waitJitter(ctx context.Context, c schedstore.Claim) (outcome, bool) {
	d := jitter(c.Task, c.ScheduledFor)
	if d <= 0 {
		return 0, true
	}
	wait := c.ScheduledFor.Add(d).Sub(e.clock.Now())
	if wait <= 0 {
		return 0, true
	}
	select {
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), errLeaseLost) {
			return outcomeLost, false
		}
		return outcomeReturn, false // attempt 1 never started
	case <-e.stopping:
		return outcomeReturn, false
	case <-e.clock.After(wait):
		return 0, true
	}
}

// nextAfterRun is the next run of an occurrence that ran from start to
// finish, by the overlap policy, and the skipped run to record with it.
//
// Occurrences that came due while it ran (after start, through finish)
// overlapped it: OverlapSkip records them as one skipped row and goes on
// from the next future slot; OverlapBufferOne makes the latest of them the
// next run (due at once) and records the others as skipped. Under
// MisfireAll, occurrences that were already due when it started are the
// catch-up backlog: the next of them runs next.
func (e *engine) nextAfterRun(c schedstore.Claim, sched schedule.Schedule, start, finish time.Time) (*time.Time, *schedstore.SkippedRun) {
	t := c.Task
	following, ok := sched.Next(c.ScheduledFor, c.ScheduledFor)
	if !ok {
		return nil, nil // one-time: no next run
	}
	if t.Misfire == schedstore.MisfireAll && !following.After(start) {
		return &following, nil
	}
	var first, prev, last time.Time
	k, walked := 0, 0
	for at := following; !at.After(finish) && walked < maxCountedSlots; walked++ {
		if at.After(start) {
			if k == 0 {
				first = at
			}
			prev, last = last, at
			k++
		}
		next, ok := slotAfter(sched, at)
		if !ok {
			break
		}
		at = next
	}
	future, _ := sched.Next(c.ScheduledFor, finish)
	switch {
	case k == 0:
		return &future, nil
	case t.Overlap == schedstore.OverlapBufferOne && k == 1:
		return &last, nil
	case t.Overlap == schedstore.OverlapBufferOne:
		return &last, &schedstore.SkippedRun{First: first, Last: prev, Count: k - 1}
	}
	return &future, &schedstore.SkippedRun{First: first, Last: last, Count: k}
}
