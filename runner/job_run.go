package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// errLeaseLost is the cause a job's context carries when its claim moved
// to another scheduler, or could not be renewed before its lease ran out.
var errLeaseLost = fmt.Errorf("runner: %w", schedstore.ErrLeaseLost)

// runJob runs a claimed occurrence to its end: attempts and retries, then
// the completion handed to the completer. Its slot is freed as soon as no
// attempt can start any more (the next queued claim may take it); the
// claim stays leased (and renewed) until the completion is recorded, so
// the task's next occurrence cannot start before this one is recorded.
func (e *engine) runJob(h *heldClaim) {
	defer e.jobs.Done()
	freed := false
	free := func() {
		if !freed {
			freed = true
			<-e.slots
			e.qmu.Lock()
			e.dispatchLocked()
			e.qmu.Unlock()
			e.signal()
		}
	}
	defer free()
	defer h.cancel(nil)

	ctx, lease := h.ctx, h.lease
	c := lease.claim()
	log := e.log.With("id", c.Task.ID, "task", c.Task.TaskName, "scheduled_for", c.ScheduledFor.UTC())

	done, outcome := e.attempts(ctx, lease, log)
	free()
	switch outcome {
	case outcomeLost:
		log.Warn("claim lost: another scheduler owns the occurrence now; nothing recorded", "cause", context.Cause(ctx))
		e.tel.leaseLost(ctx)
		e.leases.remove(lease)
	case outcomeHandBack:
		// Stopping: the occurrence goes back, its attempts counted, for
		// another scheduler (or this one, restarted) to go on with.
		e.handBack(h, true)
	case outcomeReturn:
		// Stopping before the attempt started: it goes back uncounted.
		e.handBack(h, false)
	case outcomeDone:
		e.completer.submit(done, func(err error) {
			e.leases.remove(lease)
			e.logCompletion(log, done, err)
		})
	}
}

type outcome int

const (
	outcomeDone     outcome = iota // record the completion
	outcomeLost                    // the claim is someone else's: record nothing
	outcomeHandBack                // stopping after an attempt ran: release the claim unrecorded
	outcomeReturn                  // stopping before the attempt started: return it unrecorded, uncounted
)

// attempts runs the handler until an attempt succeeds, the attempts are
// spent, or the error is permanent, waiting RetryDelay between attempts and
// counting each in the store before it starts.
func (e *engine) attempts(ctx context.Context, lease *heldLease, log *slog.Logger) (schedstore.Completion, outcome) {
	c := lease.claim()
	t := c.Task
	maxAttempts := t.MaxRetries + 1
	sched, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil {
		// Only a row written around validation gets here. Firing it on a
		// schedule nobody can read would be a guess: record why, and the
		// completion disables it.
		return e.completion(c, nil, c.FirstAttemptAt, schedstore.FireFailed, c.Attempt, fmt.Errorf("unreadable schedule %q: %w", t.Schedule, err)), outcomeDone
	}
	if c.Attempt > maxAttempts {
		// The scheduler that ran the last attempt died before recording it.
		return e.completion(c, sched, c.FirstAttemptAt, schedstore.FireFailed, maxAttempts,
			fmt.Errorf("attempt %d of %d was lost with its scheduler (its lease ran out)", maxAttempts, maxAttempts)), outcomeDone
	}
	if c.Attempt == 1 && isScheduled(c) {
		// A fresh occurrence: the policies decide whether and when it runs
		// (a requested one runs as asked).
		if missed, ok := e.misfire(c, sched); ok {
			return missed, outcomeDone
		}
		if out, ok := e.waitJitter(ctx, c); !ok {
			return schedstore.Completion{}, out
		}
	}
	start := e.clock.Now()
	if c.Attempt > 1 && !c.FirstAttemptAt.IsZero() {
		start = c.FirstAttemptAt // retries another scheduler began
	}
	for {
		err := e.attempt(ctx, c, maxAttempts)
		if err == nil {
			return e.completion(c, sched, start, schedstore.FireSucceeded, c.Attempt, nil), outcomeDone
		}
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errLeaseLost):
			return schedstore.Completion{}, outcomeLost
		case errors.Is(cause, errShutdown):
			return schedstore.Completion{}, outcomeHandBack
		}
		if c.Attempt >= maxAttempts || IsPermanent(err) {
			return e.completion(c, sched, start, schedstore.FireFailed, c.Attempt, err), outcomeDone
		}
		log.Warn("attempt failed; retrying", "attempt", c.Attempt, "max_attempts", maxAttempts,
			"retry_in", t.RetryDelay, "err", err)
		select {
		case <-ctx.Done():
			if errors.Is(context.Cause(ctx), errLeaseLost) {
				return schedstore.Completion{}, outcomeLost
			}
			return schedstore.Completion{}, outcomeHandBack
		case <-e.stopping:
			return schedstore.Completion{}, outcomeHandBack
		case <-e.clock.After(t.RetryDelay):
		}
		next, err := e.store.StartRetry(ctx, c)
		if err != nil {
			if !errors.Is(err, schedstore.ErrLeaseLost) {
				// The count could not be stored: running anyway could exceed
				// MaxRetries if this process died. The claim lapses and
				// whoever claims it next goes on counting.
				log.Error("could not count the next attempt; leaving the occurrence to the next claim", "err", err)
			}
			return schedstore.Completion{}, outcomeLost
		}
		c = next
		lease.update(c)
	}
}

// attempt runs one attempt under the Runner's Timeout.
func (e *engine) attempt(ctx context.Context, c schedstore.Claim, maxAttempts int) (err error) {
	if e.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, e.timeout, fmt.Errorf("attempt timed out after %v", e.timeout))
		defer cancel()
	}
	t := c.Task
	ctx, endSpan := e.tel.startAttempt(ctx, c, maxAttempts, e.clock.Now())
	defer func() { endSpan(ctx, err) }() // after the recover below
	job := Job{
		ID: t.ID, TaskName: t.TaskName, Args: orEmptyList(t.Args), Kwargs: orEmptyObject(t.Kwargs),
		ScheduledFor: c.ScheduledFor.UTC(), StartedAt: e.clock.Now().UTC(),
		Attempt: c.Attempt, MaxAttempts: maxAttempts, Kind: jobKind(c),
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	err = e.handler.HandleJob(ctx, job)
	if err == nil && ctx.Err() != nil && errors.Is(context.Cause(ctx), errLeaseLost) {
		// Finished, but the claim is someone else's: recording it would be
		// refused, and they may be running it.
		return context.Cause(ctx)
	}
	if err != nil && ctx.Err() != nil {
		if cause := context.Cause(ctx); !errors.Is(err, cause) {
			err = fmt.Errorf("%w (%w)", err, cause)
		}
	}
	return err
}

// completion builds the record of a finished occurrence, with the next run
// taken now by the overlap policy (nextAfterRun).
func (e *engine) completion(c schedstore.Claim, sched schedule.Schedule, start time.Time, status schedstore.FireStatus, attempts int, err error) schedstore.Completion {
	done := schedstore.Completion{Claim: c, Status: status, Attempts: attempts, FinishedAt: e.clock.Now()}
	if err != nil {
		done.Error = err.Error()
	}
	if sched != nil && isScheduled(c) {
		// A requested occurrence (Trigger, Backfill) leaves the schedule
		// as it is: the store keeps the task's run times.
		done.NextRun, done.Skipped = e.nextAfterRun(c, sched, start, done.FinishedAt)
	}
	return done
}

func (e *engine) logCompletion(log *slog.Logger, done schedstore.Completion, err error) {
	c := done.Claim
	took := done.FinishedAt.Sub(c.FirstAttemptAt).Round(time.Millisecond)
	switch {
	case errors.Is(err, schedstore.ErrLeaseLost):
		log.Warn("claim lost before the outcome was recorded; another scheduler owns the occurrence now", "err", err)
	case errors.Is(err, schedstore.ErrAlreadyFired):
		log.Warn("occurrence was already in the fire ledger")
	case errors.Is(err, schedstore.ErrNotFound):
	case err != nil:
		log.Error("recording the outcome failed; the occurrence fires again when its lease ends", "err", err)
	case done.Status == schedstore.FireSucceeded:
		log.Info("fired", "attempts", done.Attempts, "took", took)
	default:
		log.Warn("fire failed", "attempts", done.Attempts, "took", took, "err", done.Error)
	}
	if err == nil && done.NextRun == nil && c.Task.ScheduleType != schedstore.ScheduleOneTime {
		log.Warn("schedule has no further run; the task is disabled", "schedule", c.Task.Schedule)
	}
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

// isScheduled reports whether c is an occurrence of the schedule, not one
// fired on request (Trigger, Backfill).
func isScheduled(c schedstore.Claim) bool {
	return c.Kind == "" || c.Kind == schedstore.FireScheduled
}

func jobKind(c schedstore.Claim) schedstore.FireKind {
	if isScheduled(c) {
		return schedstore.FireScheduled
	}
	return c.Kind
}
