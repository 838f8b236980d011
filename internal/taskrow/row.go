package taskrow

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/flowrra/schedstore"
)

// Row is a task as every dialect stores it.
type Row struct {
	ID           string
	TaskName     string
	ScheduleType string
	Schedule     string
	Args         string // canonical JSON array
	Kwargs       string // canonical JSON object
	Fingerprint  string // see Fingerprint
	Enabled      bool
	LastRunAt    *time.Time // UTC, whole microseconds
	NextRunAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Description  string
	MaxRetries   int32
	RetryDelayUS int64 // microseconds
	Priority     int32
	// Policies, normalized: never "" or a zero MaxCatchUp.
	MisfirePolicy  string
	MaxCatchUp     int32
	MisfireGraceUS int64
	OverlapPolicy  string
	JitterUS       int64
	// The pause: read back, written only by Pause and Resume (SetPause).
	PausedAt    *time.Time
	PauseReason string
	Version     int64
	// The lease, read only by ClaimDue.
	LeaseOwner string
	LeaseToken int64
	// The attempt count of the occurrence under claim, read only by
	// ClaimDue (the count is for attempt_for; ClaimDue sets it to the
	// claimed occurrence).
	Attempts       int32
	FirstAttemptAt *time.Time
	// The occurrence the attempt count is for and, for a requested one,
	// its kind ("" for a scheduled occurrence); read only by ClaimDue.
	AttemptFor  *time.Time
	AttemptKind string
}

// ForCreate validates t and returns the row to insert: a new UUID for an
// empty ID, now for a zero CreatedAt, UpdatedAt = CreatedAt. t is not
// changed; after the insert succeeds call WriteBack.
func ForCreate(t *schedstore.Task, now time.Time) (Row, error) {
	if err := t.Validate(); err != nil {
		return Row{}, err
	}
	r, err := encode(t)
	if err != nil {
		return Row{}, err
	}
	if r.ID == "" {
		id, err := uuid.NewV7() // time-ordered: inserts land at the end of the primary key
		if err != nil {
			return Row{}, fmt.Errorf("schedstore: new task ID: %w", err)
		}
		r.ID = id.String()
	}
	r.CreatedAt = Time(t.CreatedAt)
	if t.CreatedAt.IsZero() {
		r.CreatedAt = Time(now)
	}
	r.UpdatedAt = r.CreatedAt
	r.Version = 1
	return r, nil
}

// ForUpdate validates t (whose ID is required) and returns the row that
// replaces the stored one; CreatedAt is ignored, UpdatedAt is now.
func ForUpdate(t *schedstore.Task, now time.Time) (Row, error) {
	if t != nil {
		ignored := *t
		ignored.CreatedAt = time.Time{} // Update keeps the stored one
		t = &ignored
	}
	if err := t.Validate(); err != nil {
		return Row{}, err
	}
	if err := schedstore.ValidateID(t.ID); err != nil {
		return Row{}, err
	}
	r, err := encode(t)
	if err != nil {
		return Row{}, err
	}
	r.UpdatedAt = Time(now)
	return r, nil
}

// WriteBack copies what Create assigned into t: the ID, the times, the
// version and the normalized policies.
func (r Row) WriteBack(t *schedstore.Task) {
	r.writeBackPolicies(t)
	t.PausedAt, t.PauseReason = nil, ""
	t.ID = r.ID
	if !r.CreatedAt.IsZero() {
		t.CreatedAt = r.CreatedAt
	}
	t.UpdatedAt = r.UpdatedAt
	if r.Version != 0 {
		t.Version = r.Version
	}
}

// WriteBackUpdate copies what Update assigned into t: UpdatedAt, and the
// new Version when the update was versioned (a zero Version stays zero:
// last writer wins, and the new version is not known without a read).
// The normalized policies too; an update that enables the task ends its
// pause, and one that does not leaves the stored pause as it was (t's
// PausedAt and PauseReason are not written).
func (r Row) WriteBackUpdate(t *schedstore.Task) {
	r.writeBackPolicies(t)
	if r.Enabled {
		t.PausedAt, t.PauseReason = nil, ""
	}
	t.UpdatedAt = r.UpdatedAt
	if t.Version != 0 {
		t.Version++
	}
}

func (r Row) writeBackPolicies(t *schedstore.Task) {
	t.Misfire = schedstore.MisfirePolicy(r.MisfirePolicy)
	t.MaxCatchUp = int(r.MaxCatchUp)
	t.Overlap = schedstore.OverlapPolicy(r.OverlapPolicy)
}

// Policies returns t's policies as stored: "" and 0 become the defaults.
func Policies(t *schedstore.Task) (misfire string, maxCatchUp int32, overlap string) {
	misfire, overlap, maxCatchUp = string(t.Misfire), string(t.Overlap), int32(t.MaxCatchUp)
	if misfire == "" {
		misfire = string(schedstore.MisfireOnce)
	}
	if maxCatchUp == 0 {
		maxCatchUp = schedstore.DefaultMaxCatchUp
	}
	if overlap == "" {
		overlap = string(schedstore.OverlapSkip)
	}
	return misfire, maxCatchUp, overlap
}

func encode(t *schedstore.Task) (Row, error) {
	def, err := NewDefinition(t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs)
	if err != nil {
		return Row{}, err
	}
	misfire, maxCatchUp, overlap := Policies(t)
	return Row{
		ID:           t.ID,
		TaskName:     t.TaskName,
		ScheduleType: string(t.ScheduleType),
		Schedule:     t.Schedule,
		Args:         def.Args,
		Kwargs:       def.Kwargs,
		Fingerprint:  def.Fingerprint,
		Enabled:      t.Enabled,
		LastRunAt:    TimePtr(t.LastRunAt),
		NextRunAt:    TimePtr(t.NextRunAt),
		Description:  t.Description,
		MaxRetries:   int32(t.MaxRetries),
		RetryDelayUS: t.RetryDelay.Microseconds(),
		Priority:     int32(t.Priority),

		MisfirePolicy: misfire, MaxCatchUp: maxCatchUp, OverlapPolicy: overlap,
		MisfireGraceUS: t.MisfireGrace.Microseconds(), JitterUS: t.Jitter.Microseconds(),
		// PausedAt and PauseReason stay zero: only Pause and Resume write them.
	}, nil
}

// Task decodes a stored row.
func (r Row) Task() (*schedstore.Task, error) {
	t := new(schedstore.Task)
	if err := r.decodeInto(t, new([3]time.Time)); err != nil {
		return nil, err
	}
	return t, nil
}

// Tasks decodes rows in order.
func Tasks(rows []Row) ([]*schedstore.Task, error) {
	return TasksFrom(rows, func(r Row) Row { return r })
}

// TasksFrom decodes an adapter's generated rows in order, toRow mapping
// each to a Row. The tasks, and the times their pointers point at, share
// one allocation each: lists are the read path whose cost grows with the
// table.
func TasksFrom[R any](rows []R, toRow func(R) Row) ([]*schedstore.Task, error) {
	tasks := make([]schedstore.Task, len(rows))
	times := make([][3]time.Time, len(rows))
	out := make([]*schedstore.Task, len(rows))
	for i, r := range rows {
		if err := toRow(r).decodeInto(&tasks[i], &times[i]); err != nil {
			return nil, err
		}
		out[i] = &tasks[i]
	}
	return out, nil
}

// decodeInto fills t from r; times holds LastRunAt, NextRunAt and PausedAt.
func (r Row) decodeInto(t *schedstore.Task, times *[3]time.Time) error {
	args, err := DecodeArgs(r.Args)
	if err != nil {
		return fmt.Errorf("schedstore: task %q: stored args: %w", r.ID, err)
	}
	kwargs, err := DecodeKwargs(r.Kwargs)
	if err != nil {
		return fmt.Errorf("schedstore: task %q: stored kwargs: %w", r.ID, err)
	}
	*t = schedstore.Task{
		ID:           r.ID,
		TaskName:     r.TaskName,
		ScheduleType: schedstore.ScheduleType(r.ScheduleType),
		Schedule:     r.Schedule,
		Args:         args,
		Kwargs:       kwargs,
		Enabled:      r.Enabled,
		CreatedAt:    Time(r.CreatedAt),
		UpdatedAt:    Time(r.UpdatedAt),
		Description:  r.Description,
		MaxRetries:   int(r.MaxRetries),
		RetryDelay:   time.Duration(r.RetryDelayUS) * time.Microsecond,
		Priority:     int(r.Priority),
		Version:      r.Version,

		Misfire:      schedstore.MisfirePolicy(r.MisfirePolicy),
		MaxCatchUp:   int(r.MaxCatchUp),
		MisfireGrace: time.Duration(r.MisfireGraceUS) * time.Microsecond,
		Overlap:      schedstore.OverlapPolicy(r.OverlapPolicy),
		Jitter:       time.Duration(r.JitterUS) * time.Microsecond,
		PauseReason:  r.PauseReason,
	}
	if r.PausedAt != nil {
		times[2] = Time(*r.PausedAt)
		t.PausedAt = &times[2]
	}
	if r.LastRunAt != nil {
		times[0] = Time(*r.LastRunAt)
		t.LastRunAt = &times[0]
	}
	if r.NextRunAt != nil {
		times[1] = Time(*r.NextRunAt)
		t.NextRunAt = &times[1]
	}
	return nil
}

// Deref is *s, or "" for nil: nullable text columns.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
