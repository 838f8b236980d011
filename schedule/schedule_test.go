package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDispatch(t *testing.T) {
	now := mustTime(t, "2026-01-02T12:00:00Z")
	tests := []struct {
		kind, expr string
		wantFirst  string
		wantNextOK bool
	}{
		{KindCron, "0 13 * * *", "2026-01-02T13:00:00Z", true},
		{KindInterval, "300", "2026-01-02T12:05:00Z", true},
		{KindInterval, "5m", "2026-01-02T12:05:00Z", true},
		{KindOneTime, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.expr, func(t *testing.T) {
			s, err := Parse(tt.kind, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			first := s.First(now)
			if want := mustTime(t, tt.wantFirst); !first.Equal(want) {
				t.Errorf("First = %v, want %v", first, want)
			}
			assertUTC(t, first)
			if _, ok := s.Next(first, now); ok != tt.wantNextOK {
				t.Errorf("Next ok = %v, want %v", ok, tt.wantNextOK)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ kind, expr, wantMsg string }{
		{"", "300", `unknown schedule type ""`},
		{"Cron", "0 * * * *", `unknown schedule type "Cron"; use "cron", "interval" or "one_time"`},
		{KindCron, "x y", "expected 5 fields"},
		{KindInterval, "0", "must be positive"},
		{KindOneTime, "tomorrow", "2026-01-02T15:04:05Z"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.expr, func(t *testing.T) {
			s, err := Parse(tt.kind, tt.expr)
			if err == nil {
				t.Fatalf("Parse = %v, want error", s)
			}
			if s != nil {
				t.Errorf("Parse returned a schedule with its error: %#v", s)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
}

// TestCronDefaultsToUTC swaps time.Local, so it must not run in parallel
// with anything (no test in this package calls t.Parallel).
func TestCronDefaultsToUTC(t *testing.T) {
	saved := time.Local
	time.Local = mustLoad(t, "Asia/Tokyo")
	t.Cleanup(func() { time.Local = saved })
	t.Setenv("TZ", "Asia/Tokyo")

	for _, expr := range []string{"0 9 * * *", "0 0 9 * * *", "CRON_TZ=UTC 0 9 * * *", "TZ=UTC 0 9 * * *", "0 9 * * FRI", "@daily"} {
		t.Run(expr, func(t *testing.T) {
			s := mustCron(t, expr)
			// now is given in time.Local on purpose: its zone must not
			// influence the result either.
			now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC).In(time.Local)
			want := mustTime(t, "2026-01-02T09:00:00Z")
			if expr == "@daily" {
				want = mustTime(t, "2026-01-03T00:00:00Z")
			}
			got := s.First(now)
			if !got.Equal(want) {
				t.Errorf("First(%v) = %v, want %v", now, got, want)
			}
			assertUTC(t, got)
			next, ok := s.Next(got, got)
			if !ok || next.Sub(got)%(24*time.Hour) != 0 {
				t.Errorf("Next(%v) = %v, %v; want a whole number of UTC days later", got, next, ok)
			}
			assertUTC(t, next)
		})
	}
}
