package core

import (
	"context"
	"fmt"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/schedule"
)

// Trigger implements schedstore.Store: a request of kind manual for the
// database's now.
func (s *Store) Trigger(ctx context.Context, id string) (time.Time, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return time.Time{}, err
	}
	if schedstore.ValidateID(id) != nil {
		return time.Time{}, taskrow.NotFound(id)
	}
	if _, err := s.d.GetTask(ctx, id); err != nil {
		return time.Time{}, err
	}
	now, err := s.d.DatabaseNow(ctx)
	if err != nil {
		return time.Time{}, err
	}
	at := taskrow.Time(now)
	// Two triggers in the same microsecond are one occurrence: the second
	// moves on by a microsecond, so each trigger fires once.
	for range 3 {
		queued, err := s.d.QueueRequests(ctx, id, string(schedstore.FireManual), at, []time.Time{at})
		if err != nil {
			return time.Time{}, err
		}
		if len(queued) == 1 {
			return at, nil
		}
		at = at.Add(time.Microsecond)
	}
	return time.Time{}, fmt.Errorf("schedstore: trigger %q: could not queue a run (too many at once)", id)
}

// Backfill implements schedstore.Store.
func (s *Store) Backfill(ctx context.Context, id string, from, to time.Time, dryRun bool) ([]time.Time, error) {
	if err := s.guard.Enter(ctx); err != nil {
		return nil, err
	}
	for _, b := range []struct {
		name string
		at   time.Time
	}{{"from", from}, {"to", to}} {
		if err := schedstore.ValidateTime(b.name, b.at); err != nil {
			return nil, err
		}
	}
	from, to = taskrow.Time(from), taskrow.Time(to)
	if !from.Before(to) {
		return nil, &schedstore.FieldError{Field: "to", Reason: fmt.Sprintf("%s is not after from %s",
			to.Format(time.RFC3339Nano), from.Format(time.RFC3339Nano))}
	}
	if schedstore.ValidateID(id) != nil {
		return nil, taskrow.NotFound(id)
	}
	row, err := s.d.GetTask(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := row.Task()
	if err != nil {
		return nil, err
	}
	occurrences, err := BackfillOccurrences(t, from, to)
	if err != nil {
		return nil, err
	}
	taken, err := s.d.TakenOccurrences(ctx, id, from, to)
	if err != nil {
		return nil, err
	}
	held := make(map[time.Time]bool, len(taken))
	for _, at := range taken {
		held[taskrow.Time(at)] = true
	}
	todo := occurrences[:0]
	for _, at := range occurrences {
		if !held[at] {
			todo = append(todo, at)
		}
	}
	if dryRun || len(todo) == 0 {
		return todo, nil
	}
	now, err := s.d.DatabaseNow(ctx)
	if err != nil {
		return nil, err
	}
	return s.d.QueueRequests(ctx, id, string(schedstore.FireBackfill), taskrow.Time(now), todo)
}

// BackfillOccurrences lists the occurrences of t's schedule in [from, to),
// at most schedstore.MaxBackfill.
func BackfillOccurrences(t *schedstore.Task, from, to time.Time) ([]time.Time, error) {
	sched, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil {
		return nil, &schedstore.FieldError{Field: "Schedule", Reason: err.Error()}
	}
	start := from
	if t.ScheduleType == schedstore.ScheduleInterval {
		every, err := schedule.ParseInterval(t.Schedule)
		if err != nil {
			return nil, &schedstore.FieldError{Field: "Schedule", Reason: err.Error()}
		}
		start = alignToGrid(gridAnchor(t), every, from)
	}
	out := schedule.Between(sched, start, to, schedstore.MaxBackfill+1)
	if len(out) > schedstore.MaxBackfill {
		return nil, &schedstore.FieldError{Field: "to", Reason: fmt.Sprintf(
			"[%s, %s) holds more than %d occurrences: backfill it in parts",
			from.Format(time.RFC3339), to.Format(time.RFC3339), schedstore.MaxBackfill)}
	}
	for i := range out {
		out[i] = taskrow.Time(out[i])
	}
	return out, nil
}

// gridAnchor is a point of an interval task's grid.
func gridAnchor(t *schedstore.Task) time.Time {
	switch {
	case t.NextRunAt != nil:
		return *t.NextRunAt
	case t.LastRunAt != nil:
		return *t.LastRunAt
	}
	return t.CreatedAt
}

// alignToGrid returns the first point of the grid anchor + k*every that is
// not before from.
func alignToGrid(anchor time.Time, every time.Duration, from time.Time) time.Time {
	d := from.Sub(anchor)
	k := d / every
	at := anchor.Add(k * every)
	for at.Before(from) {
		at = at.Add(every)
	}
	for !at.Add(-every).Before(from) {
		at = at.Add(-every)
	}
	return at
}

// Candidate is a request ClaimRequests may take.
type Candidate struct {
	TaskID       string
	ScheduledFor time.Time
	Kind         string
}

// LeaseEach leases the candidates' tasks (one candidate per task, in
// their order), at most limit of them, through lease, which reports false
// when the task is busy or the request gone.
func LeaseEach(candidates []Candidate, limit int32, lease func(Candidate) (taskrow.Row, bool, error)) ([]taskrow.Row, error) {
	var rows []taskrow.Row
	for _, c := range candidates {
		if int32(len(rows)) >= limit {
			break
		}
		r, ok, err := lease(c)
		if err != nil {
			return nil, err
		}
		if ok {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// QueueEach queues the occurrences one by one inside the transaction the
// dialect has begun, and returns those queue reports it took.
func QueueEach(at []time.Time, queue func(time.Time) (int64, error)) ([]time.Time, error) {
	var queued []time.Time
	for _, a := range at {
		n, err := queue(a)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			queued = append(queued, a)
		}
	}
	return queued, nil
}

// candidatesPerTask is how many candidates a claim reads per task it may
// lease (RequestCandidates gives one per task): some belong to tasks that
// are running, which LeaseForRequest skips, and the claim can still fill
// its limit with the others.
const candidatesPerTask = 4

// CandidateLimit is how many request candidates to read for a claim of
// limit tasks.
func CandidateLimit(limit int32) int32 { return min(limit*candidatesPerTask, 1<<20) }
