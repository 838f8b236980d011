package schedule

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/robfig/cron/v3"
)

// parser accepts the standard five fields, an optional leading seconds field
// and descriptors. Time zone prefixes are split off before it sees the
// expression (see splitZone).
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

const cronHint = "expected 5 fields (minute hour day-of-month month day-of-week), an optional leading seconds field, or a descriptor like @daily"

// ParseCron parses a cron expression; see the package documentation for
// the accepted forms and for how daylight-saving transitions are handled.
func ParseCron(expr string) (Schedule, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, invalidf("empty cron expression; %s", cronHint)
	}
	s, err := parseCron(expr)
	if err != nil {
		return nil, invalidf("cron expression %q: %v", expr, err)
	}
	return s, nil
}

func parseCron(expr string) (Schedule, error) {
	loc, body, err := splitZone(strings.TrimSpace(expr))
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(body, "@") {
		return parseDescriptor(body, loc)
	}
	fields := strings.Fields(body)
	for _, f := range fields {
		if strings.Contains(f, "=") {
			return nil, fmt.Errorf("%q: a time zone goes first, spelled CRON_TZ=Area/City or TZ=Area/City", f)
		}
	}
	if n := len(fields); n != 5 && n != 6 {
		return nil, fmt.Errorf("%s; got %d", cronHint, n)
	}
	parsed, err := parser.Parse(body)
	if err != nil {
		return nil, explainField(fields, err)
	}
	spec, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unexpected robfig/cron schedule %T", parsed)
	}
	n := len(fields)
	debianDays(spec, fields[n-3], fields[n-1])
	// Vixie cron decides by the same test which DST rule applies.
	minute, hour := fields[n-5], fields[n-4]
	return newCron(spec, loc, !hasWildcard(minute) && !hasWildcard(hour))
}

// starBit is where robfig/cron v3 marks, in a SpecSchedule's day-of-month
// and day-of-week bits, a field it counts as unrestricted; its dayMatches
// then requires both day fields to match instead of either. The constant
// is unexported there (spec.go); TestRobfigStarBit pins it.
const starBit = 1 << 63

// debianDays makes the day fields combine as in Debian's cron (crontab(5)):
// a day field is unrestricted when its text starts with * (entry.c sets
// DOM_STAR or DOW_STAR when the field's first character is '*'), and then
// both fields must match; when both are restricted, either may match.
//
// robfig/cron decides per range instead: it drops the mark for a step such
// as */10, so 0 9 */10 * 0 ran on every Sunday and on days 1, 11, 21 and 31,
// where Debian runs it only on Sundays that are one of those days; and it
// keeps the mark for a list such as 5,*, which Debian counts as restricted.
// A leading ? (which Debian rejects) counts as *, as robfig reads it.
//
// Descriptors need no change: robfig marks their full day fields, which
// gives the same days as Debian's flags (@weekly runs on Sundays only,
// @monthly on the 1st only).
func debianDays(spec *cron.SpecSchedule, dom, dow string) {
	spec.Dom = withStar(spec.Dom, isStar(dom))
	spec.Dow = withStar(spec.Dow, isStar(dow))
}

func isStar(field string) bool {
	return strings.HasPrefix(field, "*") || strings.HasPrefix(field, "?")
}

func withStar(bits uint64, star bool) uint64 {
	if star {
		return bits | starBit
	}
	return bits &^ starBit
}

// splitZone removes a CRON_TZ= or TZ= prefix. It is done here rather than by
// robfig/cron because robfig defaults to the server's zone (time.Local),
// panics on a prefix with nothing after it, and reports unknown zones
// without a hint.
func splitZone(spec string) (*time.Location, string, error) {
	var rest string
	switch {
	case strings.HasPrefix(spec, "CRON_TZ="):
		rest = spec[len("CRON_TZ="):]
	case strings.HasPrefix(spec, "TZ="):
		rest = spec[len("TZ="):]
	default:
		return time.UTC, spec, nil
	}
	name, body := rest, ""
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		name, body = rest[:i], strings.TrimSpace(rest[i:])
	}
	switch {
	case name == "":
		return nil, "", fmt.Errorf("empty time zone; write an IANA name such as CRON_TZ=Europe/Berlin")
	case body == "":
		return nil, "", fmt.Errorf("nothing after the time zone; write e.g. CRON_TZ=%s 30 9 * * *", name)
	case strings.HasPrefix(body, "CRON_TZ=") || strings.HasPrefix(body, "TZ="):
		return nil, "", fmt.Errorf("more than one time zone prefix")
	case name == "Local":
		// Go would resolve "Local" to the server's zone, which is exactly
		// what an explicit zone is meant to avoid.
		return nil, "", fmt.Errorf("time zone %q is the server's zone and is not allowed; name the zone, e.g. CRON_TZ=Europe/Berlin", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, "", fmt.Errorf("unknown time zone %q; use an IANA name such as Europe/Berlin or America/New_York (if the name is right, the host lacks time zone data)", name)
	}
	return loc, body, nil
}

// descriptors maps each time-of-day descriptor to whether it is a
// fixed-time job for the DST rule (@hourly is not, as in Vixie cron).
var descriptors = map[string]bool{
	"@yearly": true, "@annually": true, "@monthly": true, "@weekly": true,
	"@daily": true, "@midnight": true, "@hourly": false,
}

func parseDescriptor(body string, loc *time.Location) (Schedule, error) {
	if arg, ok := strings.CutPrefix(body, "@every "); ok {
		// robfig/cron silently turns 0, negative and sub-second
		// durations into 1s and truncates fractions; refuse them instead.
		d, err := time.ParseDuration(strings.TrimSpace(arg))
		switch {
		case err != nil:
			return nil, fmt.Errorf("@every needs a Go duration such as @every 5m or @every 1h30m")
		case d < time.Second || d%time.Second != 0:
			return nil, fmt.Errorf("@every needs a positive whole number of seconds (got %v); use the interval schedule type for finer intervals", d)
		}
		parsed, err := parser.Parse(body)
		if err != nil {
			return nil, err
		}
		delay, ok := parsed.(cron.ConstantDelaySchedule)
		if !ok {
			return nil, fmt.Errorf("unexpected robfig/cron schedule %T", parsed)
		}
		return interval{every: delay.Delay}, nil
	}
	fixed, ok := descriptors[body]
	if !ok {
		return nil, fmt.Errorf("unknown descriptor; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>")
	}
	parsed, err := parser.Parse(body)
	if err != nil {
		return nil, err
	}
	return newCron(parsed, loc, fixed)
}

// fieldNames and fieldRanges describe the six fields robfig/cron knows, in
// order; a five-field expression starts at the minute.
var (
	fieldNames  = []string{"second", "minute", "hour", "day-of-month", "month", "day-of-week"}
	fieldRanges = []string{"0-59", "0-59", "0-23", "1-31", "1-12 or JAN-DEC", "0-6 or SUN-SAT"}
)

// explainField names the field robfig/cron rejected, since its own message
// quotes only the offending text.
func explainField(fields []string, err error) error {
	offset := 6 - len(fields)
	for i, f := range fields {
		probe := make([]string, len(fields))
		for j := range probe {
			probe[j] = "*"
		}
		probe[i] = f
		if _, ferr := parser.Parse(strings.Join(probe, " ")); ferr != nil {
			reason := ferr.Error()
			if strings.HasPrefix(reason, "failed to parse int") {
				// robfig's text here is a strconv error about a substring.
				reason = "not a valid value"
			}
			return fmt.Errorf("%s field %q: %s; allowed: %s, with * , - and /", fieldNames[i+offset], f, reason, fieldRanges[i+offset])
		}
	}
	return err
}

func hasWildcard(field string) bool { return strings.ContainsAny(field, "*?") }

// probeFrom is where ParseCron looks for a first activation. Its
// searchYears window includes every weekday of every calendar date, so only
// impossible dates (30 February, 31 April, ...) find nothing.
var probeFrom = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// searchYears bounds the search for a matching reading. robfig/cron gives
// up after five years, but when both day fields must match, a valid
// expression can match less often: 0 0 */30 2 3 (1 February on a Wednesday)
// runs in 2023 and 2034, and 0 0 29 2 */7 (29 February on a Sunday) in 2088
// and 2128.
const searchYears = 50

// matchAfter returns the first reading after w that spec matches, as
// spec.Next does, but searches searchYears years instead of five. It
// returns the zero Time if there is none.
func matchAfter(spec *cron.SpecSchedule, w time.Time) time.Time {
	limit := w.AddDate(searchYears, 0, 0)
	for {
		if next := spec.Next(w); !next.IsZero() {
			return next
		}
		// spec.Next searched at least up to the start of the fifth year
		// after w's; search again from there.
		w = time.Date(w.Year()+5, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
		if w.After(limit) {
			return time.Time{}
		}
	}
}

func newCron(parsed cron.Schedule, loc *time.Location, fixed bool) (Schedule, error) {
	spec, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unexpected robfig/cron schedule %T", parsed)
	}
	// The spec only ever matches wall-clock readings expressed in UTC;
	// the zone is applied by cronSchedule (see dst.go).
	spec.Location = time.UTC
	if matchAfter(spec, probeFrom).IsZero() {
		return nil, fmt.Errorf("never matches a calendar date (such as 30 February or 31 April)")
	}
	return &cronSchedule{spec: spec, loc: loc, fixed: fixed}, nil
}

// cronSchedule is a parsed cron expression in its zone.
type cronSchedule struct {
	spec  *cron.SpecSchedule // in UTC: matches wall-clock readings
	loc   *time.Location
	fixed bool // minute and hour have no wildcard: Vixie's fixed-time rule
}

func (c *cronSchedule) First(now time.Time) time.Time { return c.after(now) }

func (c *cronSchedule) Next(scheduled, now time.Time) (time.Time, bool) {
	ref := scheduled
	if now.After(ref) {
		ref = now
	}
	next := c.after(ref)
	return next, !next.IsZero()
}

// after returns the first activation strictly after t, or the zero Time.
func (c *cronSchedule) after(t time.Time) time.Time {
	if c.fixed {
		return c.afterByWallTime(t)
	}
	return c.afterOnClock(t)
}
