package taskrow

import (
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// PauseState is what Pause and Resume write to a task row.
type PauseState struct {
	Enabled     bool
	NextRunAt   *time.Time
	PausedAt    *time.Time // nil: not paused
	PauseReason string
	UpdatedAt   time.Time
}

// Apply copies s into t, as stored, with the version the write made.
func (s PauseState) Apply(t *schedstore.Task) {
	t.Enabled, t.NextRunAt, t.PausedAt, t.PauseReason, t.UpdatedAt = s.Enabled, s.NextRunAt, s.PausedAt, s.PauseReason, s.UpdatedAt
	t.Version++
}

// Paused is Pause's state for t at now: disabled, paused since now (or
// since it was paused, when it is), with reason; NextRunAt is kept.
func Paused(t *schedstore.Task, reason string, now time.Time) PauseState {
	now = Time(now)
	since := now
	if t.PausedAt != nil {
		since = Time(*t.PausedAt)
	}
	return PauseState{NextRunAt: TimePtr(t.NextRunAt), PausedAt: &since, PauseReason: reason, UpdatedAt: now}
}

// Resumed is Resume's state for t at now: enabled, not paused, NextRunAt
// at the next slot after now (see NextSlot); a task with none (a one-time
// task whose instant has passed) stays disabled.
func Resumed(t *schedstore.Task, now time.Time) PauseState {
	now = Time(now)
	next := NextSlot(t, now)
	return PauseState{Enabled: next != nil, NextRunAt: next, UpdatedAt: now}
}

// NextSlot is the first run of t strictly after now that its schedule
// gives, skipping every run that came due before: the stored NextRunAt if
// it is still in the future, else the schedule's next run after now (on an
// interval's grid, from the stored NextRunAt). nil when there is none.
func NextSlot(t *schedstore.Task, now time.Time) *time.Time {
	if t.NextRunAt != nil && t.NextRunAt.After(now) {
		return TimePtr(t.NextRunAt)
	}
	s, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil {
		return nil // stored schedules are valid; nothing to resume onto otherwise
	}
	var at time.Time
	switch {
	case t.ScheduleType == schedstore.ScheduleOneTime:
		at = s.First(now) // its instant, past or not
	case t.NextRunAt != nil:
		n, ok := s.Next(*t.NextRunAt, now)
		if !ok {
			return nil
		}
		at = n
	default:
		at = s.First(now)
	}
	if at.IsZero() || !at.After(now) {
		return nil
	}
	at = Time(at)
	if schedstore.ValidateTime("NextRunAt", at) != nil {
		return nil
	}
	return &at
}
