package schedule

import "time"

// Kind strings equal the root package's ScheduleType values; they are untyped
// so that package can convert them without importing this one's types.
const (
	KindCron     = "cron"
	KindInterval = "interval"
	KindOneTime  = "one_time"
)

// Schedule is a parsed schedule. Its methods return UTC times.
type Schedule interface {
	// First returns the first run time for a schedule created at now.
	// Cron: the first activation strictly after now. Interval: now +
	// interval. One-time: the instant itself, even if it is in the past,
	// so that it fires at once.
	//
	// Cron returns the zero Time if it finds no activation within 50
	// years.
	First(now time.Time) time.Time

	// Next returns the run after an occurrence that was scheduled for
	// scheduled and fired at now (usually now >= scheduled); ok is false
	// when there is none.
	//
	// Interval: scheduled + k*interval for the smallest k >= 1 that is
	// strictly after now, so runs do not drift and a scheduler that was
	// down for several intervals fires once and skips to the next future
	// slot. Cron: the first activation strictly after the later of
	// scheduled and now. One-time: never.
	Next(scheduled, now time.Time) (next time.Time, ok bool)
}

// Parse parses expr as a schedule of the given kind (KindCron, KindInterval
// or KindOneTime).
func Parse(kind, expr string) (Schedule, error) {
	switch kind {
	case KindCron:
		return ParseCron(expr)
	case KindInterval:
		d, err := ParseInterval(expr)
		if err != nil {
			return nil, err
		}
		return interval{every: d}, nil
	case KindOneTime:
		at, err := ParseOneTime(expr)
		if err != nil {
			return nil, err
		}
		return oneTime{at: at}, nil
	}
	return nil, invalidf("unknown schedule type %q; use %q, %q or %q", kind, KindCron, KindInterval, KindOneTime)
}
