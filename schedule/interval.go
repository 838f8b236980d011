package schedule

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

const intervalHint = "use seconds such as 300 or 2.5, or a Go duration such as 5m, 1h30m or 250ms"

// ParseInterval parses a positive interval: decimal seconds ("300", "2.5",
// "1e-3", as the Flowrra reference stores them) or a Go duration ("5m").
// Intervals must be whole microseconds, the precision run times are stored
// with; anything finer would drift once stored.
func ParseInterval(expr string) (time.Duration, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return 0, invalidf("empty interval; %s", intervalHint)
	}
	var d time.Duration
	if isDecimal(s) {
		secs, err := strconv.ParseFloat(s, 64)
		if errors.Is(err, strconv.ErrRange) {
			return 0, invalidf("interval %q is out of range; %s", expr, intervalHint)
		}
		if err != nil {
			return 0, invalidf("interval %q is not a number of seconds or a Go duration; %s", expr, intervalHint)
		}
		if secs <= 0 {
			return 0, invalidf("interval %q must be positive; %s", expr, intervalHint)
		}
		ns := math.Round(secs * 1e9)
		if ns >= math.MaxInt64 {
			return 0, invalidf("interval %q is too long; the maximum is about 292 years", expr)
		}
		d = time.Duration(ns)
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, invalidf("interval %q is not a number of seconds or a Go duration; %s", expr, intervalHint)
		}
		if d <= 0 {
			return 0, invalidf("interval %q must be positive; %s", expr, intervalHint)
		}
	}
	if d < time.Microsecond {
		return 0, invalidf("interval %q is shorter than the 1µs that run times are stored with", expr)
	}
	if d%time.Microsecond != 0 {
		return 0, invalidf("interval %q is not a whole number of microseconds, the precision run times are stored with", expr)
	}
	return d, nil
}

// isDecimal reports whether s is a plain decimal number. ParseFloat alone
// would also take "NaN", "Inf", hexadecimal and underscores, none of which
// a user means as seconds.
func isDecimal(s string) bool {
	digits := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r == '.' || r == 'e' || r == 'E' || r == '+' || r == '-':
		default:
			return false
		}
	}
	return digits
}

// interval runs on the grid start + k*every.
type interval struct{ every time.Duration }

func (s interval) First(now time.Time) time.Time { return now.Add(s.every).UTC() }

func (s interval) Next(scheduled, now time.Time) (time.Time, bool) {
	next := scheduled.Add(s.every)
	if next.After(now) {
		return next.UTC(), true
	}
	// Skip the slots missed while the scheduler was down: firing each of
	// them now would only run the task several times at once.
	elapsed := now.Sub(scheduled)
	if elapsed > time.Duration(math.MaxInt64)-s.every {
		// Sub saturated (scheduled is zero or absurdly old): there is no
		// meaningful grid to stay on.
		return now.Add(s.every).UTC(), true
	}
	k := elapsed/s.every + 1
	return scheduled.Add(k * s.every).UTC(), true
}
