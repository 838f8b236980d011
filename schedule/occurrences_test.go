package schedule

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

func TestJitterGolden(t *testing.T) {
	// Worked out outside Go (Python's hashlib) from the formula in the
	// documentation, so that other implementations can check against it.
	at := mustTime(t, "2026-01-02T03:04:05Z")
	tests := []struct {
		id   string
		at   time.Time
		max  time.Duration // the argument
		want time.Duration
	}{
		{"task-1", at, time.Hour, 895156089 * time.Microsecond},
		{"task-1", at.Add(time.Minute), time.Hour, 253240674 * time.Microsecond},
		{"task-2", at, time.Hour, 1606238274 * time.Microsecond},
		{"", at, time.Second, 9750 * time.Microsecond},
		{"task-1", at, 999, 248}, // under 1µs: nanoseconds
		{"task-1", at, 1500, 0},  // truncated to whole µs
		{"task-1", time.UnixMicro(-1), math.MaxInt64, 2003430396077474 * time.Microsecond},
	}
	for _, tt := range tests {
		if got := Jitter(tt.id, tt.at, tt.max); got != tt.want {
			t.Errorf("Jitter(%q, %v, %v) = %d, want %d", tt.id, tt.at, tt.max, got, tt.want)
		}
	}
}

func TestJitterDeterministicAndInRange(t *testing.T) {
	at := mustTime(t, "2026-03-08T07:00:00.123456789Z")
	ny := mustLoad(t, "America/New_York")
	for _, maxDelay := range []time.Duration{1, 2, 999, time.Microsecond, 1500, time.Second, time.Hour, 24 * time.Hour, math.MaxInt64} {
		for i := range 200 {
			id := fmt.Sprintf("task-%d", i)
			occ := at.Add(time.Duration(i) * time.Hour)
			d := Jitter(id, occ, maxDelay)
			if d < 0 || d >= maxDelay {
				t.Fatalf("Jitter(%q, %v, %v) = %v, out of range", id, occ, maxDelay, d)
			}
			if maxDelay >= time.Microsecond && d%time.Microsecond != 0 {
				t.Fatalf("Jitter(%q, %v, %v) = %v, not whole microseconds", id, occ, maxDelay, d)
			}
			// The same instant in another zone, or differing below a
			// microsecond, gives the same delay.
			if again := Jitter(id, occ.In(ny).Add(-123*time.Nanosecond), maxDelay); again != d {
				t.Fatalf("Jitter(%q, %v, %v) = %v, then %v", id, occ, maxDelay, d, again)
			}
		}
	}
	for _, maxDelay := range []time.Duration{0, -1, math.MinInt64} {
		if d := Jitter("task", at, maxDelay); d != 0 {
			t.Errorf("Jitter with max %v = %v, want 0", maxDelay, d)
		}
	}
}

// TestJitterUniform checks that delays spread evenly: over one task's
// minutely occurrences for two weeks, and over many tasks' same occurrence.
// The inputs are fixed, so the result is too; the bound is generous (a
// chi-square of 60 with 19 degrees of freedom has a p-value near 5e-6).
func TestJitterUniform(t *testing.T) {
	const buckets = 20
	const maxDelay = time.Hour
	chiSquare := func(counts []int, n int) float64 {
		expected := float64(n) / buckets
		var x float64
		for _, c := range counts {
			x += (float64(c) - expected) * (float64(c) - expected) / expected
		}
		return x
	}
	start := mustTime(t, "2026-01-01T00:00:00Z")
	const n = 14 * 24 * 60
	byOccurrence := make([]int, buckets)
	byTask := make([]int, buckets)
	same := 0
	prev := time.Duration(-1)
	for i := range n {
		d := Jitter("report-daily", start.Add(time.Duration(i)*time.Minute), maxDelay)
		byOccurrence[d*buckets/maxDelay]++
		if d == prev {
			same++
		}
		prev = d
		byTask[Jitter(fmt.Sprintf("task-%d", i), start, maxDelay)*buckets/maxDelay]++
	}
	if x := chiSquare(byOccurrence, n); x > 60 {
		t.Errorf("over occurrences: chi-square %.1f, counts %v", x, byOccurrence)
	}
	if x := chiSquare(byTask, n); x > 60 {
		t.Errorf("over tasks: chi-square %.1f, counts %v", x, byTask)
	}
	// Delays in whole µs below an hour: a repeat is a 1 in 3.6e9 chance.
	if same > 0 {
		t.Errorf("%d consecutive occurrences had the same delay", same)
	}
}

func rfc3339s(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, at := range ts {
		out[i] = at.Format(time.RFC3339)
	}
	return out
}

func TestBetween(t *testing.T) {
	tests := []struct {
		name, kind, expr string
		from, to         string
		limit            int
		want             []string
	}{
		// New York falls back on 1 November 2026: 01:00 happens twice.
		{"hourly across fall back", KindCron, "CRON_TZ=America/New_York 0 * * * *",
			"2026-11-01T04:00:00Z", "2026-11-01T08:00:00Z", 10,
			[]string{"2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"}},
		{"fixed time across fall back", KindCron, "CRON_TZ=America/New_York 30 1 * * *",
			"2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z", 10,
			[]string{"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		// 02:30 does not exist on 8 March 2026: it runs at 03:00 EDT.
		{"fixed time across spring forward", KindCron, "CRON_TZ=America/New_York 30 2 * * *",
			"2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z", 10,
			[]string{"2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		{"most recent when over the limit", KindCron, "CRON_TZ=America/New_York 30 2 * * *",
			"2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z", 2,
			[]string{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		{"from is included, to is not", KindCron, "0 9 * * *",
			"2026-01-01T09:00:00Z", "2026-01-03T09:00:00Z", 10,
			[]string{"2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z"}},
		{"none", KindCron, "0 9 * * *", "2026-01-01T09:00:01Z", "2026-01-02T09:00:00Z", 10, nil},
		{"Debian days", KindCron, "0 9 */10 * 0", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z", 10,
			[]string{"2026-01-11T09:00:00Z", "2026-02-01T09:00:00Z", "2026-03-01T09:00:00Z", "2026-05-31T09:00:00Z", "2026-06-21T09:00:00Z"}},
		{"yearly over decades", KindCron, "0 0 1 1 *", "1990-06-01T00:00:00Z", "2026-06-01T00:00:00Z", 3,
			[]string{"2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"}},
		{"every second over a year", KindCron, "* * * * * *", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 3,
			[]string{"2025-12-31T23:59:57Z", "2025-12-31T23:59:58Z", "2025-12-31T23:59:59Z"}},
		{"dense only long ago", KindCron, "* * * 1 *", "2025-01-30T00:00:00Z", "2025-12-31T00:00:00Z", 2,
			[]string{"2025-01-31T23:58:00Z", "2025-01-31T23:59:00Z"}},

		{"interval grid from from", KindInterval, "25m", "2026-01-01T00:10:00Z", "2026-01-01T01:40:00Z", 10,
			[]string{"2026-01-01T00:10:00Z", "2026-01-01T00:35:00Z", "2026-01-01T01:00:00Z", "2026-01-01T01:25:00Z"}},
		{"interval, to on the grid", KindInterval, "25m", "2026-01-01T00:10:00Z", "2026-01-01T01:25:00Z", 10,
			[]string{"2026-01-01T00:10:00Z", "2026-01-01T00:35:00Z", "2026-01-01T01:00:00Z"}},
		{"interval, most recent", KindInterval, "1h", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 2,
			[]string{"2026-12-31T22:00:00Z", "2026-12-31T23:00:00Z"}},
		// Interval grids ignore DST: they are durations.
		{"interval across fall back", KindInterval, "1h", "2026-11-01T00:30:00-04:00", "2026-11-01T02:00:00-05:00", 10,
			[]string{"2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"}},
		{"interval from the zero time", KindInterval, "1h", "0001-01-01T00:00:00Z", "2026-01-01T00:30:00Z", 2,
			[]string{"2025-12-31T23:00:00Z", "2026-01-01T00:00:00Z"}},

		{"one-time inside", KindOneTime, "2026-01-02T15:04:05+02:00", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z", 10,
			[]string{"2026-01-02T13:04:05Z"}},
		{"one-time at from", KindOneTime, "2026-01-02T13:04:05Z", "2026-01-02T13:04:05Z", "2026-01-03T00:00:00Z", 10,
			[]string{"2026-01-02T13:04:05Z"}},
		{"one-time at to", KindOneTime, "2026-01-02T13:04:05Z", "2026-01-01T00:00:00Z", "2026-01-02T13:04:05Z", 10, nil},
		{"one-time before", KindOneTime, "2025-01-02T13:04:05Z", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z", 10, nil},

		{"limit 0", KindCron, "0 9 * * *", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", 0, nil},
		{"to before from", KindInterval, "1h", "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", 10, nil},
		{"to equals from", KindOneTime, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.kind, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := Between(s, mustTime(t, tt.from), mustTime(t, tt.to), tt.limit)
			for _, at := range got {
				assertUTC(t, at)
			}
			if tt.want == nil && got != nil {
				t.Errorf("got %v, want nil", got)
			}
			if g := rfc3339s(got); !slices.Equal(g, tt.want) {
				t.Errorf("got %v\nwant %v", g, tt.want)
			}
		})
	}
}

// TestBetweenMatchesStepping checks the window search against stepping
// with First and Next from from, for several ranges and limits.
func TestBetweenMatchesStepping(t *testing.T) {
	exprs := []string{
		"CRON_TZ=America/New_York 0 * * * *", "CRON_TZ=Europe/Berlin 30 2 * * *", "*/7 * * * *",
		"0 9 */10 * 0", "0 0 1 1,7 *", "CRON_TZ=Australia/Lord_Howe 15 1-3 * * 0", "30 0 */5 * * *",
	}
	from := mustTime(t, "2026-01-01T00:00:00Z")
	lengths := []time.Duration{time.Minute, 3 * time.Hour, 50 * time.Hour, 40 * 24 * time.Hour, 400 * 24 * time.Hour}
	for _, expr := range exprs {
		s := mustCron(t, expr)
		var runs []time.Time
		for at, ok := s.First(from.Add(-time.Nanosecond)), true; ok && at.Before(from.Add(slices.Max(lengths))); at, ok = s.Next(at, at) {
			runs = append(runs, at)
		}
		for _, length := range lengths {
			to := from.Add(length)
			all := runs[:slices.IndexFunc(append(runs, to), func(at time.Time) bool { return !at.Before(to) })]
			for _, limit := range []int{1, 2, 5, 100, 10000, math.MaxInt} {
				want := all[len(all)-min(limit, len(all)):]
				if len(want) == 0 {
					want = nil
				}
				if got := Between(s, from, to, limit); !slices.EqualFunc(got, want, time.Time.Equal) {
					t.Errorf("%s over %v, limit %d: got %d runs %v..., want %d", expr, length, limit, len(got), got[:min(3, len(got))], len(want))
				}
			}
		}
	}
}

// everyTen is a Schedule from outside the package: every ten minutes.
type everyTen struct{}

func (everyTen) First(now time.Time) time.Time {
	return now.Truncate(10 * time.Minute).Add(10 * time.Minute)
}

func (everyTen) Next(scheduled, now time.Time) (time.Time, bool) {
	if now.After(scheduled) {
		scheduled = now
	}
	return everyTen{}.First(scheduled), true
}

func TestBetweenOtherSchedule(t *testing.T) {
	got := Between(everyTen{}, mustTime(t, "2026-01-01T00:10:00Z"), mustTime(t, "2026-01-01T01:05:00Z"), 3)
	want := []string{"2026-01-01T00:40:00Z", "2026-01-01T00:50:00Z", "2026-01-01T01:00:00Z"}
	if g := rfc3339s(got); !slices.Equal(g, want) {
		t.Errorf("got %v, want %v", g, want)
	}
}

func TestNextN(t *testing.T) {
	tests := []struct {
		kind, expr, after string
		n                 int
		want              []string
	}{
		{KindCron, "CRON_TZ=America/New_York 30 2 * * *", "2026-03-06T12:00:00Z", 3,
			[]string{"2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		{KindCron, "0 9 */10 * 0", "2026-01-01T00:00:00Z", 3,
			[]string{"2026-01-11T09:00:00Z", "2026-02-01T09:00:00Z", "2026-03-01T09:00:00Z"}},
		// Strictly after: 09:00 itself is not listed.
		{KindCron, "0 9 * * *", "2026-01-01T09:00:00Z", 2,
			[]string{"2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z"}},
		{KindInterval, "90m", "2026-01-01T00:00:00+01:00", 3,
			[]string{"2026-01-01T00:30:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:30:00Z"}},
		{KindOneTime, "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", 5, []string{"2026-01-02T00:00:00Z"}},
		// Already past: First still returns it, so that it fires at once.
		{KindOneTime, "2025-01-02T00:00:00Z", "2026-01-01T00:00:00Z", 5, []string{"2025-01-02T00:00:00Z"}},
		{KindCron, "0 9 * * *", "2026-01-01T00:00:00Z", 0, nil},
		{KindCron, "0 9 * * *", "2026-01-01T00:00:00Z", -1, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s n=%d", tt.kind, tt.expr, tt.n), func(t *testing.T) {
			s, err := Parse(tt.kind, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := NextN(s, mustTime(t, tt.after), tt.n)
			for _, at := range got {
				assertUTC(t, at)
			}
			if tt.want == nil && got != nil {
				t.Errorf("got %v, want nil", got)
			}
			if g := rfc3339s(got); !slices.Equal(g, tt.want) {
				t.Errorf("got %v, want %v", g, tt.want)
			}
		})
	}
}
