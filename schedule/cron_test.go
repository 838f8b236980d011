package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseCronAccepts(t *testing.T) {
	// 2026-01-02 is a Friday.
	const now = "2026-01-02T10:20:30.5Z"
	tests := []struct {
		expr       string
		first      string // First(now)
		afterFirst string // Next(first, first)
	}{
		{"0 9 * * *", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z"},
		{"  0 9 * * *  ", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z"},
		{"0\t9 * *  *", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z"},
		{"*/15 * * * *", "2026-01-02T10:30:00Z", "2026-01-02T10:45:00Z"},
		{"21 10 * * *", "2026-01-02T10:21:00Z", "2026-01-03T10:21:00Z"},
		{"20 10 * * *", "2026-01-03T10:20:00Z", "2026-01-04T10:20:00Z"},
		{"0 9 * * MON-FRI", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"},
		{"0 9 * * mon", "2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"},
		{"0 0 1 JAN,jul *", "2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"0 0 29 2 *", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"},
		{"0 12 ? * *", "2026-01-02T12:00:00Z", "2026-01-03T12:00:00Z"},
		// Six fields: the first is seconds.
		{"45 20 10 * * *", "2026-01-02T10:20:45Z", "2026-01-03T10:20:45Z"},
		{"*/10 * * * * *", "2026-01-02T10:20:40Z", "2026-01-02T10:20:50Z"},
		{"30 * * * * *", "2026-01-02T10:21:30Z", "2026-01-02T10:22:30Z"},
		// Descriptors.
		{"@yearly", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"},
		{"@annually", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"},
		{"@monthly", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"},
		{"@weekly", "2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"},
		{"@daily", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"},
		{"@midnight", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"},
		{"@hourly", "2026-01-02T11:00:00Z", "2026-01-02T12:00:00Z"},
		{"@every 5m", "2026-01-02T10:25:30.5Z", "2026-01-02T10:30:30.5Z"},
		{"@every 1h30m", "2026-01-02T11:50:30.5Z", "2026-01-02T13:20:30.5Z"},
		// Zones: winter in Berlin is UTC+1, in New York UTC-5.
		{"CRON_TZ=Europe/Berlin 0 9 * * *", "2026-01-03T08:00:00Z", "2026-01-04T08:00:00Z"},
		{"TZ=Europe/Berlin 0 9 * * *", "2026-01-03T08:00:00Z", "2026-01-04T08:00:00Z"},
		{"CRON_TZ=America/New_York   0 9 * * *", "2026-01-02T14:00:00Z", "2026-01-03T14:00:00Z"},
		{"CRON_TZ=America/New_York @daily", "2026-01-03T05:00:00Z", "2026-01-04T05:00:00Z"},
		{"CRON_TZ=Asia/Kolkata 0 9 * * *", "2026-01-03T03:30:00Z", "2026-01-04T03:30:00Z"},
		{"CRON_TZ=UTC @every 90s", "2026-01-02T10:22:00.5Z", "2026-01-02T10:23:30.5Z"},
		// A DST change between the runs: Berlin goes to UTC+2 on 29 March.
		{"CRON_TZ=Europe/Berlin 0 9 28 3 *", "2026-03-28T08:00:00Z", "2027-03-28T07:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s, err := ParseCron(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			first := s.First(mustTime(t, now))
			if want := mustTime(t, tt.first); !first.Equal(want) {
				t.Errorf("First = %v, want %v", first, want)
			}
			assertUTC(t, first)
			next, ok := s.Next(first, first)
			if want := mustTime(t, tt.afterFirst); !ok || !next.Equal(want) {
				t.Errorf("Next(first, first) = %v, %v; want %v", next, ok, want)
			}
			assertUTC(t, next)
		})
	}
}

func TestParseCronRejects(t *testing.T) {
	tests := []struct{ expr, wantMsg string }{
		{"", "empty cron expression; expected 5 fields"},
		{"   ", "empty cron expression"},
		{"x y", `cron expression "x y": expected 5 fields (minute hour day-of-month month day-of-week), an optional leading seconds field, or a descriptor like @daily; got 2`},
		{"* * * *", "got 4"},
		{"0 0 0 * * * *", "got 7"},
		{"61 * * * *", `minute field "61": end of range (61) above maximum (59)`},
		{"* 24 * * *", `hour field "24"`},
		{"* * 0 * *", `day-of-month field "0"`},
		{"* * 32 * *", `day-of-month field "32"`},
		{"* * * 13 *", `month field "13"`},
		{"* * * FOO *", `month field "FOO"`},
		{"* * * * 7", `day-of-week field "7"`},
		{"60 * * * * *", `second field "60"`},
		{"*/0 * * * *", `minute field "*/0"`},
		{"5-1 * * * *", `minute field "5-1"`},
		{"a * * * *", `minute field "a"`},
		{"-1 * * * *", `minute field "-1"`},
		{"0 0 30 2 *", "never matches a calendar date"},
		{"0 0 31 4,6,9,11 *", "never matches a calendar date"},
		{"@foo", "unknown descriptor; use @yearly"},
		{"@DAILY", "unknown descriptor"},
		{"@daily extra", "unknown descriptor"},
		{"@every", "unknown descriptor"},
		{"@every five", "@every needs a Go duration"},
		{"@every 0s", "@every needs a positive whole number of seconds"},
		{"@every -5m", "positive whole number of seconds"},
		{"@every 500ms", "positive whole number of seconds"},
		{"@every 1500ms", "positive whole number of seconds"},
		{"CRON_TZ=Mars/Olympus 0 9 * * *", `unknown time zone "Mars/Olympus"; use an IANA name`},
		{"TZ=Nowhere 0 9 * * *", `unknown time zone "Nowhere"`},
		{"CRON_TZ=Local 0 9 * * *", `time zone "Local" is the server's zone`},
		{"CRON_TZ= 0 9 * * *", "empty time zone"},
		{"CRON_TZ=", "empty time zone"},
		{"CRON_TZ=UTC", "nothing after the time zone"},
		{"TZ=Europe/Berlin   ", "nothing after the time zone"},
		{"CRON_TZ=UTC TZ=UTC 0 9 * * *", "more than one time zone prefix"},
		{"CRON_TZ=UTC TZ=UTC", "more than one time zone prefix"},
		{"cron_tz=UTC 0 9 * * *", `"cron_tz=UTC": a time zone goes first, spelled CRON_TZ=Area/City`},
		{"0 9 * * * CRON_TZ=UTC", "a time zone goes first"},
		{"CRON_TZ=Europe/Berlin x y", "expected 5 fields"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s, err := ParseCron(tt.expr)
			if err == nil {
				t.Fatalf("ParseCron = %v, want error", s)
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

func TestCronNextUsesLaterOfScheduledAndNow(t *testing.T) {
	s := mustCron(t, "0 * * * *")
	tests := []struct{ scheduled, now, want string }{
		{"2026-01-02T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-02T11:00:00Z"},
		{"2026-01-02T10:00:00Z", "2026-01-02T10:00:01Z", "2026-01-02T11:00:00Z"},
		// Fired late, after later activations had passed: skip them.
		{"2026-01-02T10:00:00Z", "2026-01-02T13:30:00Z", "2026-01-02T14:00:00Z"},
		{"2026-01-02T10:00:00Z", "2026-01-02T14:00:00Z", "2026-01-02T15:00:00Z"},
		// Fired early (clock skew between hosts): still not the same slot.
		{"2026-01-02T10:00:00Z", "2026-01-02T09:59:58Z", "2026-01-02T11:00:00Z"},
	}
	for _, tt := range tests {
		got, ok := s.Next(mustTime(t, tt.scheduled), mustTime(t, tt.now))
		if want := mustTime(t, tt.want); !ok || !got.Equal(want) {
			t.Errorf("Next(%s, %s) = %v, %v; want %v", tt.scheduled, tt.now, got, ok, want)
		}
	}
}

func TestCronFirstIsStrictlyAfterNow(t *testing.T) {
	s := mustCron(t, "0 9 * * *")
	for _, now := range []string{"2026-01-02T09:00:00Z", "2026-01-02T08:59:59.999999999Z", "2026-01-02T09:00:00.000000001Z"} {
		got := s.First(mustTime(t, now))
		if !got.After(mustTime(t, now)) {
			t.Errorf("First(%s) = %v, not after now", now, got)
		}
		if got.Sub(mustTime(t, now)) > 24*time.Hour {
			t.Errorf("First(%s) = %v, skipped an activation", now, got)
		}
	}
}

// FuzzParseCron checks that no input panics (robfig/cron panics on some
// zone prefixes) and that accepted expressions produce future times.
func FuzzParseCron(f *testing.F) {
	for _, seed := range []string{"0 9 * * *", "TZ=", "TZ=UTC", "CRON_TZ=UTC TZ=UTC", "@every 1s", "*/5 1-3 * JAN MON", "0 0 30 2 *"} {
		f.Add(seed)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := ParseCron(expr)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %q does not wrap ErrInvalid", err)
			}
			return
		}
		first := s.First(now)
		if !first.IsZero() && !first.After(now) {
			t.Fatalf("First(%v) = %v", now, first)
		}
		if next, ok := s.Next(first, first); ok && !next.After(first) {
			t.Fatalf("Next(%v) = %v", first, next)
		}
	})
}
