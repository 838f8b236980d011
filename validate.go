package schedstore

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowrra/schedstore/schedule"
)

// Limits enforced by Validate. The schema repeats them as CHECK constraints.
const (
	MaxNameBytes        = 255     // ID and TaskName
	MaxScheduleBytes    = 255     // Schedule
	MaxDescriptionBytes = 65535   // Description (MySQL TEXT)
	MaxJSONBytes        = 1 << 20 // Args and Kwargs, each, in canonical JSON
)

// Stored times must fit every dialect: MySQL DATETIME starts at year 1000.
var (
	minStoredTime = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxStoredTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// Validate checks every field a backend stores and returns a *FieldError
// (wrapping ErrInvalidTask) for the first bad one. An empty ID and a zero
// CreatedAt are valid: Create fills them in. Args and Kwargs are checked by
// the backend when it encodes them. Version is not checked: Update reads it.
func (t *Task) Validate() error {
	if t == nil {
		return invalid("Task", "is nil")
	}
	if t.ID != "" {
		if err := ValidateID(t.ID); err != nil {
			return err
		}
	}
	if err := checkText("TaskName", t.TaskName, MaxNameBytes, true); err != nil {
		return err
	}
	if !t.ScheduleType.Valid() {
		return invalid("ScheduleType", fmt.Sprintf("%q is not one of %q, %q, %q",
			string(t.ScheduleType), ScheduleCron, ScheduleInterval, ScheduleOneTime))
	}
	if err := checkText("Schedule", t.Schedule, MaxScheduleBytes, true); err != nil {
		return err
	}
	if strings.TrimSpace(t.Schedule) != t.Schedule {
		// The parsers would accept it, but FindByDefinition compares the text.
		return invalid("Schedule", "has leading or trailing white space")
	}
	if _, err := schedule.Parse(string(t.ScheduleType), t.Schedule); err != nil {
		return invalid("Schedule", err.Error())
	}
	if err := checkText("Description", t.Description, MaxDescriptionBytes, false); err != nil {
		return err
	}
	if t.MaxRetries < 0 || t.MaxRetries > math.MaxInt32 {
		return invalid("MaxRetries", fmt.Sprintf("%d is outside 0..%d", t.MaxRetries, math.MaxInt32))
	}
	if t.Misfire != "" && !t.Misfire.Valid() {
		return invalid("Misfire", fmt.Sprintf("%q is not one of %q, %q, %q", string(t.Misfire), MisfireOnce, MisfireSkip, MisfireAll))
	}
	if t.MaxCatchUp < 0 || t.MaxCatchUp > math.MaxInt32 {
		return invalid("MaxCatchUp", fmt.Sprintf("%d is outside 0..%d", t.MaxCatchUp, math.MaxInt32))
	}
	if t.Overlap != "" && !t.Overlap.Valid() {
		return invalid("Overlap", fmt.Sprintf("%q is not one of %q, %q", string(t.Overlap), OverlapSkip, OverlapBufferOne))
	}
	for _, d := range []struct {
		field string
		v     time.Duration
		max   time.Duration
	}{{"MisfireGrace", t.MisfireGrace, 100 * 365 * 24 * time.Hour}, {"Jitter", t.Jitter, MaxJitter}} {
		switch {
		case d.v < 0:
			return invalid(d.field, fmt.Sprintf("%v is negative", d.v))
		case d.v > d.max:
			return invalid(d.field, fmt.Sprintf("%v is longer than %v", d.v, d.max))
		case d.v%time.Microsecond != 0:
			return invalid(d.field, fmt.Sprintf("%v is not a whole number of microseconds (the stored precision)", d.v))
		}
	}
	if t.RetryDelay < 0 {
		return invalid("RetryDelay", fmt.Sprintf("%v is negative", t.RetryDelay))
	}
	if t.RetryDelay%time.Microsecond != 0 {
		return invalid("RetryDelay", fmt.Sprintf("%v is not a whole number of microseconds (the stored precision)", t.RetryDelay))
	}
	if t.Priority < math.MinInt32 || t.Priority > math.MaxInt32 {
		return invalid("Priority", fmt.Sprintf("%d is outside the 32-bit range", t.Priority))
	}
	for _, f := range []struct {
		name string
		at   *time.Time
	}{{"LastRunAt", t.LastRunAt}, {"NextRunAt", t.NextRunAt}} {
		if f.at != nil {
			if err := ValidateTime(f.name, *f.at); err != nil {
				return err
			}
		}
	}
	if !t.CreatedAt.IsZero() {
		return ValidateTime("CreatedAt", t.CreatedAt)
	}
	return nil
}

// ValidateID checks a task ID as Validate does for a non-empty one.
func ValidateID(id string) error { return checkText("ID", id, MaxNameBytes, true) }

// ValidatePauseReason checks a reason for Store.Pause: at most
// MaxPauseReasonBytes of UTF-8 without NUL bytes; "" is allowed.
func ValidatePauseReason(reason string) error {
	return checkText("PauseReason", reason, MaxPauseReasonBytes, false)
}

// ValidateTime checks that at lies in the range every dialect stores
// (years 1000 to 9999, UTC).
func ValidateTime(field string, at time.Time) error {
	if u := at.UTC(); u.Before(minStoredTime) || u.After(maxStoredTime) {
		return invalid(field, fmt.Sprintf("%s is outside the storable range 1000-01-01..9999-12-31 UTC",
			at.Format(time.RFC3339Nano)))
	}
	return nil
}

func checkText(field, s string, maxBytes int, required bool) error {
	switch {
	case required && s == "":
		return invalid(field, "is empty")
	case len(s) > maxBytes:
		return invalid(field, fmt.Sprintf("is %d bytes, more than %d", len(s), maxBytes))
	case !utf8.ValidString(s):
		return invalid(field, "is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return invalid(field, "contains a NUL byte")
	}
	return nil
}
