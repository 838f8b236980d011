package conformance

import (
	"time"

	"github.com/flowrra/schedstore"
)

// Zones with half-hour offsets of both signs catch a backend that stores
// local wall time or drops the offset's minutes. Fixed zones keep the suite
// independent of the host's tz database.
var (
	kolkata = time.FixedZone("Asia/Kolkata", 5*3600+30*60)
	stJohns = time.FixedZone("America/St_Johns", -(3*3600 + 30*60))
)

// base is the reference instant of most tests. It lies years away from the
// present, so the rules that read the clock (zero CreatedAt, zero ListDue
// now) never touch it, and it has microseconds, so precision loss shows.
var base = time.Date(2031, 3, 14, 15, 9, 26, 535897000, time.UTC)

// past is a reference instant that is due whatever the clock says.
var past = time.Date(2001, 9, 9, 1, 46, 40, 123456000, time.UTC)

func at(t time.Time) *time.Time { return &t }

// sampleTask is a valid task with every field set to something other than
// its zero value, so a field the backend drops shows in a diff.
func sampleTask(id string) *schedstore.Task {
	return &schedstore.Task{
		ID:           id,
		TaskName:     "send_report",
		ScheduleType: schedstore.ScheduleInterval,
		Schedule:     "300",
		Args:         []any{"monthly", 42, true},
		Kwargs:       map[string]any{"to": "ops@example.com", "retry": map[string]any{"max": 2}},
		Enabled:      true,
		NextRunAt:    at(base.Add(time.Hour)),
		Description:  "monthly report",
		MaxRetries:   3,
		RetryDelay:   2500 * time.Millisecond,
		Priority:     1,
	}
}

// taskWith is sampleTask(id) changed by edit.
func taskWith(id string, edit func(*schedstore.Task)) *schedstore.Task {
	t := sampleTask(id)
	edit(t)
	return t
}
