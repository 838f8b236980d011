package schedule

import (
	"errors"
	"strings"
	"time"
)

const oneTimeHint = "use an RFC 3339 instant with a zone offset, e.g. 2026-01-02T15:04:05Z or 2026-01-02T17:04:05+02:00"

// ParseOneTime parses an RFC 3339 instant (fractional seconds allowed) and
// returns it in UTC. The zone offset is required: without one the instant
// would depend on the zone of whichever host reads it.
func ParseOneTime(expr string) (time.Time, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return time.Time{}, invalidf("empty one-time instant; %s", oneTimeHint)
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return at.UTC(), nil
	}
	if _, errLocal := time.Parse("2006-01-02T15:04:05.999999999", s); errLocal == nil {
		return time.Time{}, invalidf("one-time instant %q has no zone offset; append Z for UTC or an offset such as +02:00, e.g. 2026-01-02T15:04:05Z", expr)
	}
	// Go's own message repeats the layout; keep only its reason, if any
	// (such as "day out of range").
	var pe *time.ParseError
	if errors.As(err, &pe) && pe.Message != "" {
		return time.Time{}, invalidf("one-time instant %q: %s; %s", expr, strings.TrimPrefix(pe.Message, ": "), oneTimeHint)
	}
	return time.Time{}, invalidf("one-time instant %q is not an RFC 3339 time; %s", expr, oneTimeHint)
}

// oneTime runs once, at its instant.
type oneTime struct{ at time.Time }

// First returns the instant even when it is past, so a late task still runs.
func (o oneTime) First(time.Time) time.Time { return o.at }

func (o oneTime) Next(time.Time, time.Time) (time.Time, bool) { return time.Time{}, false }
