package taskrow

import "time"

// Time is t in UTC, truncated to the microsecond: the precision every
// dialect stores. Truncating (not rounding) keeps t' <= t, so a time read
// back never moves into the future.
func Time(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// TimePtr is Time for an optional time.
func TimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := Time(*t)
	return &u
}

// Micros is t as Unix microseconds, SQLite's storage form.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// MicrosPtr is Micros for an optional time.
func MicrosPtr(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	m := t.UnixMicro()
	return &m
}

// FromMicros is the inverse of Micros, in UTC.
func FromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// FromMicrosPtr is FromMicros for an optional time.
func FromMicrosPtr(us *int64) *time.Time {
	if us == nil {
		return nil
	}
	t := FromMicros(*us)
	return &t
}

// DueCutoff is ListDue's bound: now, or the clock's time when now is zero.
func DueCutoff(now time.Time, clock func() time.Time) time.Time {
	if now.IsZero() {
		now = clock()
	}
	return Time(now)
}

// StrictBound is the stored-precision equivalent of "before t": stored
// times are whole microseconds, so x < t exactly when x < t rounded up to
// the microsecond. (Time, which truncates, is right for "at or before".)
func StrictBound(t time.Time) time.Time {
	u := Time(t)
	if !u.Equal(t) {
		u = u.Add(time.Microsecond)
	}
	return u
}
