package schedule

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// TestRobfigDST pins what robfig/cron v3 itself does across DST, which is
// why this package evaluates schedules on wall-clock readings instead. If
// it starts failing, robfig changed and dst.go deserves another look.
func TestRobfigDST(t *testing.T) {
	walk := func(expr, from string, n int) []string {
		s, err := cron.ParseStandard(expr)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		at := mustTime(t, from)
		for range n {
			at = s.Next(at)
			got = append(got, at.UTC().Format(time.RFC3339))
		}
		return got
	}
	// 02:30 does not exist on 8 March: robfig skips the day.
	got := walk("CRON_TZ=America/New_York 30 2 * * *", "2026-03-07T00:00:00Z", 2)
	if want := []string{"2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z"}; !slices.Equal(got, want) {
		t.Errorf("robfig spring forward: %v, want %v", got, want)
	}
	// 01:30 happens twice on 1 November: robfig runs at both.
	got = walk("CRON_TZ=America/New_York 30 1 * * *", "2026-11-01T00:00:00Z", 2)
	if want := []string{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"}; !slices.Equal(got, want) {
		t.Errorf("robfig fall back: %v, want %v", got, want)
	}
}

// hours returns n instants an hour apart from start, as RFC 3339.
func hours(start string, n int) []string {
	at, err := time.Parse(time.RFC3339, start)
	if err != nil {
		panic(err)
	}
	var out []string
	for range n {
		out = append(out, at.Format(time.RFC3339))
		at = at.Add(time.Hour)
	}
	return out
}

// TestDSTWalk runs a scheduler loop (scheduled = the previous run, now =
// scheduled plus some latency) from two days before a transition to two
// days after it, and checks the runs per local calendar day.
func TestDSTWalk(t *testing.T) {
	const ny, berlin = "America/New_York", "Europe/Berlin"
	tests := []struct {
		name   string
		zone   string
		expr   string // without the CRON_TZ prefix
		day    string // local date of the transition
		perDay int    // runs on each of the other days
		want   []string
	}{
		// Fixed-time jobs: a skipped time runs once, at the end of the gap.
		{"NY spring forward, 02:30 skipped", ny, "30 2 * * *", "2026-03-08", 1,
			[]string{"2026-03-08T07:00:00Z"}}, // 03:00 EDT
		{"Berlin spring forward, 02:30 skipped", berlin, "30 2 * * *", "2026-03-29", 1,
			[]string{"2026-03-29T01:00:00Z"}}, // 03:00 CEST
		{"NY spring forward, seconds field", ny, "15 30 2 * * *", "2026-03-08", 1,
			[]string{"2026-03-08T07:00:00Z"}},
		{"NY spring forward, several skipped times coalesce", ny, "0,30 2,3 * * *", "2026-03-08", 4,
			[]string{"2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"}}, // 03:00, 03:30 EDT
		{"NY spring forward, 01:30 before the gap", ny, "30 1 * * *", "2026-03-08", 1,
			[]string{"2026-03-08T06:30:00Z"}}, // 01:30 EST
		{"NY spring forward, 03:00 after the gap", ny, "0 3 * * *", "2026-03-08", 1,
			[]string{"2026-03-08T07:00:00Z"}},

		// Fixed-time jobs: a repeated time runs only the first time.
		{"NY fall back, 01:30 repeated", ny, "30 1 * * *", "2026-11-01", 1,
			[]string{"2026-11-01T05:30:00Z"}}, // 01:30 EDT, not 01:30 EST
		{"Berlin fall back, 02:30 repeated", berlin, "30 2 * * *", "2026-10-25", 1,
			[]string{"2026-10-25T00:30:00Z"}}, // 02:30 CEST, not 02:30 CET
		{"NY fall back, 01:00 and 01:59 repeated", ny, "0,59 1 * * *", "2026-11-01", 2,
			[]string{"2026-11-01T05:00:00Z", "2026-11-01T05:59:00Z"}},
		{"NY fall back, 02:30 after the repeated hour", ny, "30 2 * * *", "2026-11-01", 1,
			[]string{"2026-11-01T07:30:00Z"}}, // 02:30 EST
		{"NY fall back, @daily", ny, "@daily", "2026-11-01", 1,
			[]string{"2026-11-01T04:00:00Z"}},

		// Wildcard jobs follow the clock: an hourly job runs at 01:00 EDT
		// and 01:00 EST, distinct instants an hour apart, and has no 02:00
		// on the day that hour does not exist.
		{"NY fall back, hourly", ny, "0 * * * *", "2026-11-01", 24,
			hours("2026-11-01T04:00:00Z", 25)},
		{"NY fall back, @hourly", ny, "@hourly", "2026-11-01", 24,
			hours("2026-11-01T04:00:00Z", 25)},
		{"NY spring forward, hourly", ny, "0 * * * *", "2026-03-08", 24,
			hours("2026-03-08T05:00:00Z", 23)},
		{"Berlin fall back, hourly", berlin, "0 * * * *", "2026-10-25", 24,
			hours("2026-10-24T22:00:00Z", 25)},
		{"Berlin spring forward, hourly", berlin, "0 * * * *", "2026-03-29", 24,
			hours("2026-03-28T23:00:00Z", 23)},
		{"NY fall back, every 30 min in the 1 o'clock hour", ny, "*/30 1 * * *", "2026-11-01", 2,
			[]string{"2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z"}},
		// As in Vixie cron, a wildcard job does not catch up on a gap.
		{"NY spring forward, every 30 min in the 2 o'clock hour", ny, "*/30 2 * * *", "2026-03-08", 2,
			nil},
	}
	for _, tt := range tests {
		loc := mustLoad(t, tt.zone)
		s := mustCron(t, "CRON_TZ="+tt.zone+" "+tt.expr)
		day, err := time.ParseInLocation(time.DateOnly, tt.day, loc)
		if err != nil {
			t.Fatal(err)
		}
		for _, latency := range []time.Duration{0, time.Second, 10 * time.Minute} {
			t.Run(fmt.Sprintf("%s/latency %v", tt.name, latency), func(t *testing.T) {
				from := day.AddDate(0, 0, -2)
				to := day.AddDate(0, 0, 3)
				perDay := map[string]int{}
				var onDay []string
				at := s.First(from.Add(-time.Nanosecond))
				for ok := true; ok && at.Before(to); at, ok = s.Next(at, at.Add(latency)) {
					assertUTC(t, at)
					local := at.In(loc).Format(time.DateOnly)
					perDay[local]++
					if local == tt.day {
						onDay = append(onDay, at.Format(time.RFC3339))
					}
				}
				for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
					date := d.Format(time.DateOnly)
					if date != tt.day && perDay[date] != tt.perDay {
						t.Errorf("%s: %d runs, want %d", date, perDay[date], tt.perDay)
					}
				}
				if !slices.Equal(onDay, tt.want) {
					t.Errorf("%s: runs %v, want %v", tt.day, onDay, tt.want)
				}
			})
		}
	}
}

// TestDSTStartInsideTransition creates schedules at awkward instants: inside
// the repeated hour and just before a gap.
func TestDSTStartInsideTransition(t *testing.T) {
	tests := []struct{ expr, now, want string }{
		// 01:30 already ran at 01:30 EDT; at 01:10 EST it must not run again.
		{"CRON_TZ=America/New_York 30 1 * * *", "2026-11-01T06:10:00Z", "2026-11-02T06:30:00Z"},
		// Between the two 01:30s.
		{"CRON_TZ=America/New_York 30 1 * * *", "2026-11-01T05:45:00Z", "2026-11-02T06:30:00Z"},
		// 01:10 EDT: the first 01:30 is still ahead.
		{"CRON_TZ=America/New_York 30 1 * * *", "2026-11-01T05:10:00Z", "2026-11-01T05:30:00Z"},
		// An hourly job at 01:10 EDT runs next at 01:00 EST.
		{"CRON_TZ=America/New_York 0 * * * *", "2026-11-01T05:10:00Z", "2026-11-01T06:00:00Z"},
		// 01:59:59 EST, one second before the gap.
		{"CRON_TZ=America/New_York 30 2 * * *", "2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z"},
		// Exactly at the end of the gap, when the skipped run fires.
		{"CRON_TZ=America/New_York 30 2 * * *", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"},
	}
	for _, tt := range tests {
		s := mustCron(t, tt.expr)
		if got, want := s.First(mustTime(t, tt.now)), mustTime(t, tt.want); !got.Equal(want) {
			t.Errorf("%s: First(%s) = %v, want %v", tt.expr, tt.now, got, want)
		}
	}
}

// TestCronMatchesBruteForce compares the schedules with a minute-by-minute
// scan around every transition of zones with unusual DST: a 30-minute shift
// (Lord Howe), a 2-hour shift (Troll), skipped and repeated midnights (Sao
// Paulo, Havana, Santiago), a skipped day (Apia), and many transitions a
// year (Casablanca).
func TestCronMatchesBruteForce(t *testing.T) {
	zones := []struct {
		name     string
		from, to int // years
	}{
		{"America/New_York", 2025, 2027},
		{"Europe/Berlin", 2025, 2027},
		{"Europe/Dublin", 2025, 2026},
		{"Australia/Lord_Howe", 2025, 2027},
		{"Antarctica/Troll", 2025, 2027},
		{"America/Sao_Paulo", 2017, 2019},
		{"America/Havana", 2025, 2027},
		{"America/Santiago", 2025, 2027},
		{"Pacific/Apia", 2011, 2012},
		{"Africa/Casablanca", 2020, 2021},
	}
	exprs := []string{
		"30 2 * * *", "30 1 * * *", "0 0 * * *", "30 0 * * *", "59 23 * * *", "15,45 0-3 * * *", "0 3 * * *", "@daily",
		"0 * * * *", "*/15 * * * *", "30 * * * *", "* 2 * * *", "0 */2 * * *", "@hourly",
	}
	for _, z := range zones {
		loc := mustLoad(t, z.name)
		var transitions []time.Time
		at := time.Date(z.from, 1, 1, 0, 0, 0, 0, loc)
		for {
			_, end := at.ZoneBounds()
			if end.IsZero() || end.Year() > z.to {
				break
			}
			transitions = append(transitions, end)
			at = end
		}
		if len(transitions) == 0 {
			t.Fatalf("%s: no transitions found", z.name)
		}
		for _, expr := range exprs {
			s := mustCron(t, "CRON_TZ="+z.name+" "+expr).(*cronSchedule)
			for _, tr := range transitions {
				checkAgainstScan(t, s, loc, tr)
			}
		}
	}
}

func checkAgainstScan(t *testing.T, s *cronSchedule, loc *time.Location, tr time.Time) {
	t.Helper()
	const margin = 30 * time.Hour // Apia skipped a whole day
	lo, hi := tr.Add(-margin), tr.Add(margin)
	// Results are trusted only well inside the scan, where every instant
	// showing a matching reading has been seen.
	innerLo, innerHi := lo.Add(margin/2), hi.Add(-margin/2)

	// Instants of the scan by the reading they show, in order.
	shown := map[time.Time][]time.Time{}
	var scan []time.Time
	for at := lo; !at.After(hi); at = at.Add(time.Minute) {
		w := wallClock(at, loc)
		shown[w] = append(shown[w], at)
		scan = append(scan, at)
	}
	// Matching readings, from robfig/cron in UTC where no DST exists.
	var readings []time.Time
	for w := wallClock(lo, loc); ; {
		w = s.spec.Next(w)
		if w.After(wallClock(hi, loc)) {
			break
		}
		readings = append(readings, w)
	}

	var want []time.Time
	for _, w := range readings {
		ats := shown[w]
		switch {
		case !s.fixed:
			want = append(want, ats...)
		case len(ats) > 0:
			want = append(want, ats[0])
		default:
			// Skipped: the first instant whose reading is later.
			for _, at := range scan {
				if wallClock(at, loc).After(w) {
					want = append(want, at)
					break
				}
			}
		}
	}
	slices.SortFunc(want, time.Time.Compare)
	want = slices.CompactFunc(want, time.Time.Equal)
	want = slices.DeleteFunc(want, func(at time.Time) bool { return at.Before(innerLo) || at.After(innerHi) })

	var got []time.Time
	for at := s.First(innerLo.Add(-time.Nanosecond)); !at.IsZero() && !at.After(innerHi); at, _ = s.Next(at, at) {
		got = append(got, at)
	}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("%v (fixed=%v) around %v:\n got %v\nwant %v", s.spec, s.fixed, tr, got, want)
		return
	}
	// Starting from any instant gives the next run after it.
	for _, now := range scan {
		if now.Before(innerLo) || now.Minute()%7 != 0 {
			continue
		}
		now = now.Add(time.Second)
		i := slices.IndexFunc(want, func(at time.Time) bool { return at.After(now) })
		if i < 0 {
			break
		}
		if got := s.First(now); !got.Equal(want[i]) {
			t.Errorf("%v (fixed=%v): First(%v) = %v, want %v", s.spec, s.fixed, now, got, want[i])
		}
	}
}
