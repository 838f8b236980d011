package schedstore

import "time"

// ScheduleType says how Task.Schedule is read.
type ScheduleType string

const (
	// ScheduleCron: Schedule is a cron expression (5 fields, an optional
	// leading seconds field, @daily-style descriptors, an optional
	// CRON_TZ=Area/City prefix; UTC without one).
	ScheduleCron ScheduleType = "cron"
	// ScheduleInterval: Schedule is a positive interval, in seconds ("300",
	// "2.5") or as a Go duration ("5m").
	ScheduleInterval ScheduleType = "interval"
	// ScheduleOneTime: Schedule is an RFC 3339 instant.
	ScheduleOneTime ScheduleType = "one_time"
)

// Valid reports whether t is one of the three known schedule types.
func (t ScheduleType) Valid() bool {
	switch t {
	case ScheduleCron, ScheduleInterval, ScheduleOneTime:
		return true
	}
	return false
}

// Reference defaults, as in Flowrra's ScheduledTask.
const (
	DefaultMaxRetries = 3
	DefaultRetryDelay = time.Second
)

// Task is one scheduled task definition and its run times.
//
// Times read back from a backend are in UTC, truncated to the microsecond.
// Args and Kwargs read back are never nil: an empty list or object comes back
// as []any{} or map[string]any{}, and JSON numbers come back as json.Number so
// that integers beyond 2^53 survive exactly.
type Task struct {
	ID           string // empty on Create: a new UUID is assigned
	TaskName     string
	ScheduleType ScheduleType
	Schedule     string         // cron expression, interval, or one-time instant
	Args         []any          // JSON array
	Kwargs       map[string]any // JSON object
	Enabled      bool
	LastRunAt    *time.Time
	NextRunAt    *time.Time
	CreatedAt    time.Time // zero on Create: now
	UpdatedAt    time.Time
	Description  string // "" means none
	MaxRetries   int
	RetryDelay   time.Duration
	Priority     int // higher runs first

	// Policies (see MisfirePolicy and OverlapPolicy). Zero values read back
	// as the defaults: MisfireOnce, DefaultMaxCatchUp, no grace,
	// OverlapSkip, no jitter.
	Misfire    MisfirePolicy
	MaxCatchUp int // MisfireAll fires at most this many missed occurrences
	// MisfireGrace: an occurrence that would start later than its time +
	// MisfireGrace is not fired but recorded missed (a one-time task is
	// then disabled). 0: no limit.
	MisfireGrace time.Duration
	Overlap      OverlapPolicy
	// Jitter delays each occurrence's start by a duration in [0, Jitter)
	// derived from the task ID and the occurrence (schedule.Jitter), so
	// every scheduler agrees; the ledger keeps the nominal occurrence.
	Jitter time.Duration

	// Pause (Store.Pause, Store.Resume): a paused task is disabled, with
	// when and why. Written only by Pause and Resume: Create stores none,
	// and Update ignores these two fields and keeps the stored pause,
	// except that an Update that enables the task ends its pause (and
	// clears them in *t).
	PausedAt    *time.Time
	PauseReason string
	// Version counts the stored row's changes (Create stores 1). Update with
	// a non-zero Version succeeds only if it still matches (else
	// ErrConflict) and then writes back the new one; zero means last writer
	// wins. Used by Store implementations; Backend-only code can ignore it.
	Version int64
}

// NewCron returns an enabled cron task with the reference defaults.
func NewCron(taskName, expr string) *Task { return newTask(taskName, ScheduleCron, expr) }

// NewInterval returns an enabled interval task with the reference defaults.
// every is written as a Go duration string (e.g. "5m0s").
func NewInterval(taskName string, every time.Duration) *Task {
	return newTask(taskName, ScheduleInterval, every.String())
}

// NewOneTime returns an enabled one-time task, due at at (truncated to the
// microsecond), with the reference defaults.
func NewOneTime(taskName string, at time.Time) *Task {
	due := at.UTC().Truncate(time.Microsecond) // the stored precision: Schedule and NextRunAt agree
	t := newTask(taskName, ScheduleOneTime, due.Format(time.RFC3339Nano))
	t.NextRunAt = &due
	return t
}

func newTask(name string, typ ScheduleType, schedule string) *Task {
	return &Task{
		TaskName:     name,
		ScheduleType: typ,
		Schedule:     schedule,
		Enabled:      true,
		MaxRetries:   DefaultMaxRetries,
		RetryDelay:   DefaultRetryDelay,
	}
}
