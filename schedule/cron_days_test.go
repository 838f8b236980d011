package schedule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// TestRobfigStarBit pins the robfig/cron internals debianDays relies on:
// the mark's position and robfig's own reading of a step in a day field.
// If it fails, robfig changed and cron.go deserves another look.
func TestRobfigStarBit(t *testing.T) {
	spec := func(expr string) *cron.SpecSchedule {
		t.Helper()
		s, err := cron.ParseStandard(expr)
		if err != nil {
			t.Fatal(err)
		}
		return s.(*cron.SpecSchedule)
	}
	for _, tt := range []struct {
		expr               string
		domStar, dowStar   bool
		firstRobfigRunDate string
	}{
		{"0 9 * * *", true, true, "2026-01-01"},
		{"0 9 */1 * 0", true, false, "2026-01-04"},
		// The disagreement: */10 is not marked, so robfig runs on the
		// 1st (a Thursday) although Debian waits for a Sunday.
		{"0 9 */10 * 0", false, false, "2026-01-01"},
		{"0 9 5,* * 1", true, false, "2026-01-05"},
	} {
		s := spec(tt.expr)
		if got := s.Dom&starBit != 0; got != tt.domStar {
			t.Errorf("%s: day-of-month marked %v, want %v", tt.expr, got, tt.domStar)
		}
		if got := s.Dow&starBit != 0; got != tt.dowStar {
			t.Errorf("%s: day-of-week marked %v, want %v", tt.expr, got, tt.dowStar)
		}
		s.Location = time.UTC
		if got := s.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).Format(time.DateOnly); got != tt.firstRobfigRunDate {
			t.Errorf("%s: robfig runs first on %s, want %s", tt.expr, got, tt.firstRobfigRunDate)
		}
	}
	// The mark is the top bit and lies outside every field's values.
	if s := spec("* * * * *"); s.Dom != 1<<63|(1<<32-2) || s.Dow != 1<<63|(1<<7-1) {
		t.Errorf("* * * * *: day bits %#x %#x", s.Dom, s.Dow)
	}
}

// TestCronDaysDebian pins the days of well-known expressions, read as
// Debian's cron reads them. The dates were worked out by hand and with an
// implementation of crontab(5) outside Go; 1 January 2026 is a Thursday.
func TestCronDaysDebian(t *testing.T) {
	tests := []struct {
		expr string
		from string // local date; runs are looked for from its midnight
		want string // local dates of the first runs
	}{
		// Day-of-month starts with *: both fields must match.
		{"0 9 */10 * 0", "2026-01-01", "2026-01-11 2026-02-01 2026-03-01 2026-05-31 2026-06-21 2026-10-11 2026-11-01 2027-01-31"},
		{"0 9 */10 * SUN", "2026-01-01", "2026-01-11 2026-02-01 2026-03-01 2026-05-31"},
		{"30 0 9 */10 * 0", "2026-01-01", "2026-01-11 2026-02-01 2026-03-01 2026-05-31"}, // seconds field
		{"0 0 */2 * 1-5", "2026-01-01", "2026-01-01 2026-01-05 2026-01-07 2026-01-09 2026-01-13 2026-01-15 2026-01-19 2026-01-21"},
		{"0 9 */1 * 0", "2026-01-01", "2026-01-04 2026-01-11 2026-01-18 2026-01-25"},
		{"0 9 *,5 * 1", "2026-01-01", "2026-01-05 2026-01-12 2026-01-19 2026-01-26"},
		{"0 9 * * 1", "2026-01-01", "2026-01-05 2026-01-12 2026-01-19 2026-01-26 2026-02-02 2026-02-09 2026-02-16 2026-02-23"},
		{"0 9 ? * 1", "2026-01-01", "2026-01-05 2026-01-12 2026-01-19 2026-01-26"},
		{"0 9 */15 * 1,5", "2026-01-01", "2026-01-16 2026-02-16 2026-03-16 2026-05-01 2026-06-01 2026-07-31 2026-08-31 2026-10-16"},
		// Day-of-week starts with *.
		{"0 9 1 * *", "2026-01-01", "2026-01-01 2026-02-01 2026-03-01 2026-04-01 2026-05-01 2026-06-01 2026-07-01 2026-08-01"},
		{"0 9 1 * ?", "2026-01-01", "2026-01-01 2026-02-01 2026-03-01 2026-04-01"},
		{"0 9 1 * */2", "2026-01-01", "2026-01-01 2026-02-01 2026-03-01 2026-08-01 2026-09-01 2026-10-01 2026-11-01 2026-12-01"},
		// Both restricted: either may match.
		{"0 9 1-7 * 1", "2026-01-01", "2026-01-01 2026-01-02 2026-01-03 2026-01-04 2026-01-05 2026-01-06 2026-01-07 2026-01-12"},
		{"*/5 * 13 * 5", "2026-01-01", "2026-01-02 2026-01-09 2026-01-13 2026-01-16 2026-01-23 2026-01-30 2026-02-06 2026-02-13"},
		{"0 9 1,15 * 1", "2026-01-01", "2026-01-01 2026-01-05 2026-01-12 2026-01-15 2026-01-19 2026-01-26 2026-02-01 2026-02-02"},
		{"0 9 1-31/10 * 0", "2026-01-01", "2026-01-01 2026-01-04 2026-01-11 2026-01-18 2026-01-21 2026-01-25 2026-01-31 2026-02-01"},
		{"0 9 5,* * 1", "2026-01-01", "2026-01-01 2026-01-02 2026-01-03 2026-01-04 2026-01-05 2026-01-06 2026-01-07 2026-01-08"},
		// Descriptors: Debian's @weekly and @monthly flags give these days.
		{"@weekly", "2026-01-01", "2026-01-04 2026-01-11 2026-01-18"},
		{"@monthly", "2026-01-01", "2026-01-01 2026-02-01 2026-03-01"},
		// Rare matches, more than robfig/cron's five years apart.
		{"0 0 */30 2 3", "2026-01-01", "2034-02-01 2040-02-01 2045-02-01 2051-02-01"},
		{"0 0 29 2 */7", "2026-01-01", "2032-02-29 2060-02-29 2088-02-29 2128-02-29"},
	}
	for _, zone := range []string{"UTC", "America/New_York", "Australia/Lord_Howe"} {
		loc := mustLoad(t, zone)
		for _, tt := range tests {
			t.Run(zone+"/"+tt.expr, func(t *testing.T) {
				s := mustCron(t, "CRON_TZ="+zone+" "+tt.expr)
				from, err := time.ParseInLocation(time.DateOnly, tt.from, loc)
				if err != nil {
					t.Fatal(err)
				}
				want := strings.Fields(tt.want)
				var got []string
				for at, ok := s.First(from.Add(-time.Nanosecond)), true; ok && !at.IsZero() && len(got) < len(want); at, ok = s.Next(at, at) {
					if d := at.In(loc).Format(time.DateOnly); len(got) == 0 || got[len(got)-1] != d {
						got = append(got, d)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("run dates\n got %v\nwant %v", got, want)
				}
			})
		}
	}
}

// TestCronDaysMatchReference compares the schedules of random expressions
// with a reference written from crontab(5) and the DST rules in the package
// documentation, sharing no code with the package or robfig/cron: it
// parses the fields itself and steps through a year minute by minute in
// zones with ordinary, half-hour and midnight DST transitions.
func TestCronDaysMatchReference(t *testing.T) {
	const year = 2026
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"}
	n := 1000
	if testing.Short() {
		n = 120
	}
	rng := rand.New(rand.NewPCG(20260101, 5))
	refs := make([]*refZone, len(zones))
	for i, z := range zones {
		refs[i] = newRefZone(t, z, year)
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	var differsFromRobfig, impossible int
	for i := range n {
		z := refs[i%len(refs)]
		expr := randomCron(rng)
		full := "CRON_TZ=" + z.name + " " + expr
		want := z.runs(t, expr, start, end)
		if robfigDaysDiffer(expr) {
			differsFromRobfig++
		}
		s, err := ParseCron(full)
		if err != nil {
			if !strings.Contains(err.Error(), "never matches") || len(want) > 0 {
				t.Errorf("%s: %v; reference runs %d times in %d", full, err, len(want), year)
			}
			impossible++
			continue
		}
		var got []time.Time
		for at, ok := s.First(start.Add(-time.Nanosecond)), true; ok && !at.IsZero() && at.Before(end); at, ok = s.Next(at, at) {
			got = append(got, at)
		}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("%s: %d runs, reference %d; first difference: %s", full, len(got), len(want), firstDifference(got, want))
		}
	}
	t.Logf("%d expressions, %d whose day fields robfig/cron alone reads differently, %d impossible", n, differsFromRobfig, impossible)
	if differsFromRobfig < n/20 {
		t.Errorf("only %d of %d expressions exercise the day rule", differsFromRobfig, n)
	}
}

func firstDifference(got, want []time.Time) string {
	for i := range min(len(got), len(want)) {
		if !got[i].Equal(want[i]) {
			return fmt.Sprintf("run %d at %v, reference %v", i, got[i], want[i])
		}
	}
	if len(got) > len(want) {
		return fmt.Sprintf("extra run at %v", got[len(want)])
	}
	return fmt.Sprintf("missing run at %v", want[len(got)])
}

// robfigDaysDiffer reports whether robfig/cron's own marks on the day
// fields differ from Debian's, which changes the days for some dates.
func robfigDaysDiffer(expr string) bool {
	fields := strings.Fields(expr)
	parsed, err := parser.Parse(expr)
	if err != nil {
		return false
	}
	s := parsed.(*cron.SpecSchedule)
	dom, dow := fields[len(fields)-3], fields[len(fields)-1]
	robfigAnd := s.Dom&starBit != 0 || s.Dow&starBit != 0
	debianAnd := dom[0] == '*' || dom[0] == '?' || dow[0] == '*' || dow[0] == '?'
	return robfigAnd != debianAnd
}

// randomCron returns a random expression in the syntax Debian's cron and
// robfig/cron share, weighted towards the day fields' corner cases.
func randomCron(rng *rand.Rand) string {
	pick := func(choices ...string) string { return choices[rng.IntN(len(choices))] }
	num := func(lo, hi int) int { return lo + rng.IntN(hi-lo+1) }
	rangeOf := func(lo, hi int) string {
		a := num(lo, hi)
		b := num(a, hi)
		return fmt.Sprintf("%d-%d", a, b)
	}
	// item returns one restricted item of a field with values lo-hi.
	item := func(lo, hi int) string {
		switch rng.IntN(4) {
		case 0, 1:
			return strconv.Itoa(num(lo, hi))
		case 2:
			return rangeOf(lo, hi)
		default:
			return fmt.Sprintf("%s/%d", rangeOf(lo, hi), num(2, hi-lo+1))
		}
	}
	// day returns a day field, often starting with * but restricted.
	day := func(lo, hi, maxStep int) string {
		step := func() string { return fmt.Sprintf("*/%d", num(2, maxStep)) }
		switch rng.IntN(12) {
		case 0, 1:
			return "*"
		case 2:
			return "?"
		case 3, 4, 5:
			return step()
		case 6:
			return step() + "," + item(lo, hi)
		case 7:
			return item(lo, hi) + "," + step()
		case 8:
			return item(lo, hi) + ",*"
		case 9:
			return item(lo, hi) + "," + item(lo, hi)
		default:
			return item(lo, hi)
		}
	}
	dom := day(1, 31, 31)
	dow := day(0, 6, 7)
	if rng.IntN(10) == 0 {
		dow = pick("MON-FRI", "SUN", "sat,sun", "TUE-THU")
	}
	month := pick("*", "*", "*", "*/2", "*/3", strconv.Itoa(num(1, 12)), rangeOf(1, 12), fmt.Sprintf("%d,%d", num(1, 12), num(1, 12)))
	// Hours near the transitions (00:00-03:00 and 23:00) come up often.
	hour := pick("*", "*/2", "*/5", "0", "1", "2", "3", "23", strconv.Itoa(num(0, 23)), "1,2", "0-3", rangeOf(0, 23), fmt.Sprintf("%d,2", num(0, 23)))
	minute := pick("0", "30", "59", strconv.Itoa(num(0, 59)), "0,30", "15,45", "*/20", "*/30", rangeOf(0, 59)+"/15")
	if rng.IntN(20) == 0 {
		hour = pick("2", "0", "1")
		minute = pick("*", "*/5")
	}
	expr := strings.Join([]string{minute, hour, dom, month, dow}, " ")
	if rng.IntN(5) == 0 {
		expr = pick("0", "15", "30") + " " + expr
	}
	return expr
}

// refZone is the reference's clock: one zone's readings, minute by minute,
// for a year and a few days either side.
type refZone struct {
	name  string
	start time.Time // instant i is start + i minutes
	walls []int64   // each instant's reading, in minutes since the epoch
	// The reading split into its day (an index into days) and minute.
	day, minuteOfDay []int32
	// Whether no earlier instant showed the reading, and the readings the
	// clocks skipped just before the instant (none if lo >= hi).
	firstShown     []bool
	skipLo, skipHi []int64
	firstDay       int64 // days since the epoch of days[0]
	days           []refDay
}

type refDay struct {
	month, dom, dow int
	spans           [][2]int // the instants showing the day, as [from, to)
}

const refMargin = 3 * 24 * time.Hour

func newRefZone(t *testing.T, name string, year int) *refZone {
	loc := mustLoad(t, name)
	lo := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(-refMargin)
	hi := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Add(refMargin)
	z := &refZone{name: name, start: lo}
	for at := lo; at.Before(hi); at = at.Add(time.Minute) {
		_, off := at.In(loc).Zone()
		if off%60 != 0 {
			t.Fatalf("%s: offset %ds is not whole minutes", name, off)
		}
		z.walls = append(z.walls, (at.Unix()+int64(off))/60)
	}
	z.firstDay = floorDiv(slices.Min(z.walls), 24*60)
	lastDay := floorDiv(slices.Max(z.walls), 24*60)
	for d := z.firstDay; d <= lastDay; d++ {
		date := time.Unix(d*86400, 0).UTC()
		z.days = append(z.days, refDay{month: int(date.Month()), dom: date.Day(), dow: int(date.Weekday())})
	}
	maxSeen := z.walls[0] - 1
	for i, w := range z.walls {
		day := floorDiv(w, 24*60)
		z.day = append(z.day, int32(day-z.firstDay))
		z.minuteOfDay = append(z.minuteOfDay, int32(w-day*24*60))
		d := &z.days[day-z.firstDay]
		if n := len(d.spans); n > 0 && d.spans[n-1][1] == i {
			d.spans[n-1][1]++
		} else {
			d.spans = append(d.spans, [2]int{i, i + 1})
		}
		z.firstShown = append(z.firstShown, w > maxSeen)
		z.skipLo = append(z.skipLo, maxSeen+1)
		z.skipHi = append(z.skipHi, w)
		if i == 0 {
			z.skipHi[0] = z.skipLo[0]
		}
		maxSeen = max(maxSeen, w)
	}
	return z
}

func (z *refZone) instant(i int) time.Time { return z.start.Add(time.Duration(i) * time.Minute) }

func floorDiv(a, b int64) int64 {
	if a < 0 && a%b != 0 {
		return a/b - 1
	}
	return a / b
}

// refSpec is an expression parsed by the reference.
type refSpec struct {
	second           int
	minute, hour     uint64
	dom, month, dow  uint64
	domStar, dowStar bool // the field starts with * (crontab(5))
	fixed            bool // minute and hour have no *: the fixed-time DST rule
}

func refParse(t *testing.T, expr string) refSpec {
	t.Helper()
	f := strings.Fields(expr)
	var s refSpec
	if len(f) == 6 {
		sec, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("%s: seconds %q", expr, f[0])
		}
		s.second, f = sec, f[1:]
	}
	months := []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	days := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	s.minute = refField(t, f[0], 0, 59, nil)
	s.hour = refField(t, f[1], 0, 23, nil)
	s.dom = refField(t, f[2], 1, 31, nil)
	s.month = refField(t, f[3], 1, 12, months)
	s.dow = refField(t, f[4], 0, 6, days)
	s.domStar = f[2][0] == '*' || f[2][0] == '?'
	s.dowStar = f[4][0] == '*' || f[4][0] == '?'
	s.fixed = !strings.ContainsAny(f[0]+f[1], "*?")
	return s
}

// refField parses a comma-separated list of *, ?, N, N-M, each optionally
// followed by /step; names count from lo.
func refField(t *testing.T, field string, lo, hi int, names []string) uint64 {
	t.Helper()
	value := func(s string) int {
		for i, n := range names {
			if strings.EqualFold(s, n) {
				return lo + i
			}
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < lo || v > hi {
			t.Fatalf("reference cannot read %q in %q", s, field)
		}
		return v
	}
	var bits uint64
	for _, it := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(it, "/")
		step := 1
		if hasStep {
			step, _ = strconv.Atoi(stepText)
		}
		a, b := lo, hi
		if rng != "*" && rng != "?" {
			first, last, isRange := strings.Cut(rng, "-")
			a = value(first)
			b = a
			if isRange {
				b = value(last)
			}
		}
		for v := a; v <= b; v += step {
			bits |= 1 << v
		}
	}
	return bits
}

// dayMatches applies crontab(5)'s rule for the day fields.
func (s *refSpec) dayMatches(d refDay) bool {
	if s.month&(1<<d.month) == 0 {
		return false
	}
	domOK, dowOK := s.dom&(1<<d.dom) != 0, s.dow&(1<<d.dow) != 0
	if s.domStar || s.dowStar {
		return domOK && dowOK
	}
	return domOK || dowOK
}

func (s *refSpec) timeMatches(minuteOfDay int32) bool {
	return s.minute&(1<<(minuteOfDay%60)) != 0 && s.hour&(1<<(minuteOfDay/60)) != 0
}

// runs returns the reference's runs in [from, to):
//   - a wildcard job runs at every instant showing a matching reading;
//   - a fixed-time job runs at the first instant showing a matching
//     reading, and for a reading the clocks skip, at the instant they jump
//     past it.
func (z *refZone) runs(t *testing.T, expr string, from, to time.Time) []time.Time {
	s := refParse(t, expr)
	sec := time.Duration(s.second) * time.Second
	dayOK := make([]bool, len(z.days))
	var out []time.Time
	for di, d := range z.days {
		if dayOK[di] = s.dayMatches(d); !dayOK[di] {
			continue
		}
		for _, span := range d.spans {
			for i := span[0]; i < span[1]; i++ {
				if s.timeMatches(z.minuteOfDay[i]) && (!s.fixed || z.firstShown[i]) {
					out = append(out, z.instant(i).Add(sec))
				}
			}
		}
	}
	if s.fixed {
		for i := range z.walls {
			for r := z.skipLo[i]; r < z.skipHi[i]; r++ {
				day := floorDiv(r, 24*60)
				if dayOK[day-z.firstDay] && s.timeMatches(int32(r-day*24*60)) {
					out = append(out, z.instant(i))
				}
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	out = slices.CompactFunc(out, time.Time.Equal)
	return slices.DeleteFunc(out, func(at time.Time) bool { return at.Before(from) || !at.Before(to) })
}
