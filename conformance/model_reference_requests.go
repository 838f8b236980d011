package conformance

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/core"
	"github.com/flowrra/schedstore/internal/taskrow"
)

// modelRequest is a queued Trigger or Backfill occurrence.
type modelRequest struct {
	kind        schedstore.FireKind
	requestedAt time.Time
}

// claimRequests leases, as ClaimRequests does, the tasks of the oldest
// due request of each task, oldest first, skipping leased tasks; m is
// locked.
func (m *model) claimRequests(owner string, w taskrow.ClaimWindow) []taskrow.Row {
	type req struct {
		key fireKey
		modelRequest
	}
	oldest := map[string]req{}
	for k, r := range m.requests {
		if r.requestedAt.After(w.Now) {
			continue
		}
		o, seen := oldest[k.taskID]
		if !seen || r.requestedAt.Before(o.requestedAt) ||
			(r.requestedAt.Equal(o.requestedAt) && k.scheduledFor < o.key.scheduledFor) {
			oldest[k.taskID] = req{k, r}
		}
	}
	var queue []req
	for _, r := range oldest {
		queue = append(queue, r)
	}
	slices.SortFunc(queue, func(a, b req) int {
		if c := a.requestedAt.Compare(b.requestedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.key.scheduledFor, b.key.scheduledFor)
	})
	var out []taskrow.Row
	for _, q := range queue {
		if int32(len(out)) >= w.Limit {
			break
		}
		r, ok := m.rows[q.key.taskID]
		forAt := time.UnixMicro(q.key.scheduledFor).UTC()
		if !ok || (!r.LeaseUntil.IsZero() && r.LeaseUntil.After(w.Now)) ||
			(r.AttemptFor != nil && r.AttemptFor.Equal(forAt) && r.Attempts == 0) {
			continue
		}
		r.LeaseOwner, r.LeaseUntil = owner, w.LeaseUntil
		r.LeaseToken++
		if r.AttemptFor != nil && r.AttemptFor.Equal(forAt) {
			r.Attempts++
		} else {
			r.Attempts, r.FirstAttemptAt = 1, at(w.Now)
		}
		r.AttemptFor, r.AttemptKind = at(forAt), string(q.kind)
		m.rows[r.ID] = r
		out = append(out, r.Row)
	}
	return out
}

func (m *model) queue(id string, kind schedstore.FireKind, requestedAt time.Time, occurrences []time.Time) []time.Time {
	var queued []time.Time
	for _, o := range occurrences {
		k := fireKey{id, o.UnixMicro()}
		if _, fired := m.fires[k]; fired {
			continue
		}
		if _, dup := m.requests[k]; dup {
			continue
		}
		m.requests[k] = modelRequest{kind: kind, requestedAt: requestedAt}
		queued = append(queued, o)
	}
	return queued
}

func (m *model) Trigger(ctx context.Context, id string) (time.Time, error) {
	if err := m.enter(ctx); err != nil {
		return time.Time{}, err
	}
	defer m.mu.Unlock()
	if _, ok := m.rows[id]; !ok {
		return time.Time{}, taskrow.NotFound(id)
	}
	now := taskrow.Time(m.now())
	for {
		if q := m.queue(id, schedstore.FireManual, now, []time.Time{now}); len(q) == 1 {
			return now, nil
		}
		now = now.Add(time.Microsecond)
	}
}

func (m *model) Backfill(ctx context.Context, id string, from, to time.Time, dryRun bool) ([]time.Time, error) {
	if err := m.enter(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
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
		return nil, &schedstore.FieldError{Field: "to", Reason: "is not after from"}
	}
	r, ok := m.rows[id]
	if !ok {
		return nil, taskrow.NotFound(id)
	}
	t, err := r.Task()
	if err != nil {
		return nil, err
	}
	all, err := core.BackfillOccurrences(t, from, to)
	if err != nil {
		return nil, err
	}
	var todo []time.Time
	for _, o := range all {
		k := fireKey{id, o.UnixMicro()}
		_, fired := m.fires[k]
		_, queued := m.requests[k]
		if !fired && !queued {
			todo = append(todo, o)
		}
	}
	if dryRun {
		return todo, nil
	}
	return m.queue(id, schedstore.FireBackfill, taskrow.Time(m.now()), todo), nil
}
