package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseIntervalAccepts(t *testing.T) {
	tests := []struct {
		expr string
		want time.Duration
	}{
		{"300", 300 * time.Second},
		{"300.0", 300 * time.Second},
		{"2.5", 2500 * time.Millisecond},
		{"0.1", 100 * time.Millisecond},
		{".5", 500 * time.Millisecond},
		{"+7", 7 * time.Second},
		{"1e3", 1000 * time.Second},
		{"1e-05", 10 * time.Microsecond},
		{"0.000001", time.Microsecond},
		{" 60 ", time.Minute},
		{"5m", 5 * time.Minute},
		{"5m0s", 5 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"250ms", 250 * time.Millisecond},
		{"1µs", time.Microsecond},
		{"1us", time.Microsecond},
		{"1000ns", time.Microsecond},
		{"2562047h", 2562047 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseInterval(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseInterval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseIntervalRejects(t *testing.T) {
	tests := []struct{ expr, wantMsg string }{
		{"", "empty interval; use seconds such as 300"},
		{"  ", "empty interval"},
		{"0", `interval "0" must be positive; use seconds such as 300 or 2.5, or a Go duration such as 5m`},
		{"0.0", "must be positive"},
		{"-5", "must be positive"},
		{"0s", "must be positive"},
		{"-5m", "must be positive"},
		{"NaN", "not a number of seconds or a Go duration"},
		{"nan", "not a number of seconds"},
		{"Inf", "not a number of seconds"},
		{"+Inf", "not a number of seconds"},
		{"infinity", "not a number of seconds"},
		{"0x10", "not a number of seconds"},
		{"1_000", "not a number of seconds"},
		{"1e400", "out of range"},
		{"1e10", "too long"},
		{"9223372037", "too long"},
		{"2562048h", "not a number of seconds or a Go duration"},
		{"5 m", "not a number of seconds"},
		{"5x", "not a number of seconds"},
		{"e5", "not a number of seconds"},
		{"1.2.3", "not a number of seconds"},
		{"five minutes", "not a number of seconds"},
		{"0.0000001", "shorter than the 1µs"},
		{"1e-10", "shorter than the 1µs"},
		{"999ns", "shorter than the 1µs"},
		{"1.5µs", "not a whole number of microseconds"},
		{"1.0000000005", "not a whole number of microseconds"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseInterval(tt.expr)
			if err == nil {
				t.Fatalf("ParseInterval = %v, want error", got)
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

func TestIntervalSchedule(t *testing.T) {
	s, err := Parse(KindInterval, "10m")
	if err != nil {
		t.Fatal(err)
	}
	created := mustTime(t, "2026-01-02T10:00:00.123456Z")
	if got, want := s.First(created), mustTime(t, "2026-01-02T10:10:00.123456Z"); !got.Equal(want) {
		t.Errorf("First = %v, want %v", got, want)
	}

	tests := []struct {
		name, scheduled, now, want string
	}{
		{"on time", "2026-01-02T10:10:00Z", "2026-01-02T10:10:00Z", "2026-01-02T10:20:00Z"},
		// The scheduler's latency must not move the grid.
		{"late by 3s, no drift", "2026-01-02T10:10:00Z", "2026-01-02T10:10:03Z", "2026-01-02T10:20:00Z"},
		{"late by 9m59s", "2026-01-02T10:10:00Z", "2026-01-02T10:19:59Z", "2026-01-02T10:20:00Z"},
		// now exactly on a later slot: that slot is due now, so not "after".
		{"late by exactly one interval", "2026-01-02T10:10:00Z", "2026-01-02T10:20:00Z", "2026-01-02T10:30:00Z"},
		{"down for 3 intervals", "2026-01-02T10:10:00Z", "2026-01-02T10:41:00Z", "2026-01-02T10:50:00Z"},
		{"down for a day", "2026-01-02T10:10:00Z", "2026-01-03T10:15:00Z", "2026-01-03T10:20:00Z"},
		{"down for 10 years", "2026-01-02T10:10:00Z", "2036-01-02T10:15:00Z", "2036-01-02T10:20:00Z"},
		{"fired early", "2026-01-02T10:10:00Z", "2026-01-02T10:09:59Z", "2026-01-02T10:20:00Z"},
		{"sub-second grid kept", "2026-01-02T10:10:00.5Z", "2026-01-02T10:35:00Z", "2026-01-02T10:40:00.5Z"},
		{"zone of inputs ignored", "2026-01-02T11:10:00+01:00", "2026-01-02T05:10:01-05:00", "2026-01-02T10:20:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Next(mustTime(t, tt.scheduled), mustTime(t, tt.now))
			if want := mustTime(t, tt.want); !ok || !got.Equal(want) {
				t.Errorf("Next(%s, %s) = %v, %v; want %v", tt.scheduled, tt.now, got, ok, want)
			}
			assertUTC(t, got)
		})
	}

	t.Run("no grid to keep", func(t *testing.T) {
		now := mustTime(t, "2026-01-02T10:00:00Z")
		got, ok := s.Next(time.Time{}, now)
		if want := now.Add(10 * time.Minute); !ok || !got.Equal(want) {
			t.Errorf("Next(zero, %v) = %v, %v; want %v", now, got, ok, want)
		}
	})
}

// TestIntervalWalk runs a scheduler loop with jitter and one long outage and
// checks that every run stays on the grid and no slot runs twice.
func TestIntervalWalk(t *testing.T) {
	s, err := Parse(KindInterval, "2.5")
	if err != nil {
		t.Fatal(err)
	}
	created := mustTime(t, "2026-01-02T00:00:00Z")
	scheduled := s.First(created)
	for i := 0; i < 1000; i++ {
		now := scheduled.Add(time.Duration(i%7) * 100 * time.Millisecond)
		if i == 500 {
			now = scheduled.Add(time.Hour + 1200*time.Millisecond)
		}
		next, ok := s.Next(scheduled, now)
		if !ok {
			t.Fatal("interval ended")
		}
		if off := next.Sub(created) % (2500 * time.Millisecond); off != 0 {
			t.Fatalf("run %d at %v is off the grid by %v", i, next, off)
		}
		if !next.After(now) || next.Sub(now) > 2500*time.Millisecond {
			t.Fatalf("run %d: Next(%v, %v) = %v, want the first slot after now", i, scheduled, now, next)
		}
		scheduled = next
	}
	// First, 999 steps of one slot, and one step over the outage of
	// 1h1.2s: 1440 slots skipped and the one after them.
	if want := created.Add(time.Duration(1+999+1441) * 2500 * time.Millisecond); !scheduled.Equal(want) {
		t.Errorf("after 1000 runs: scheduled = %v, want %v", scheduled, want)
	}
}
