package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseOneTimeAccepts(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"2026-01-02T15:04:05Z", "2026-01-02T15:04:05Z"},
		{" 2026-01-02T15:04:05Z ", "2026-01-02T15:04:05Z"},
		{"2026-01-02T17:04:05+02:00", "2026-01-02T15:04:05Z"},
		{"2026-01-02T10:04:05-05:00", "2026-01-02T15:04:05Z"},
		{"2026-01-02T15:04:05.123456Z", "2026-01-02T15:04:05.123456Z"},
		{"2026-01-02T15:04:05.123456789Z", "2026-01-02T15:04:05.123456789Z"},
		{"2026-01-02T00:30:00+05:30", "2026-01-01T19:00:00Z"},
		{"2028-02-29T00:00:00Z", "2028-02-29T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseOneTime(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if want := mustTime(t, tt.want); !got.Equal(want) {
				t.Errorf("ParseOneTime = %v, want %v", got, want)
			}
			assertUTC(t, got)
		})
	}
}

func TestParseOneTimeRejects(t *testing.T) {
	tests := []struct{ expr, wantMsg string }{
		{"", "empty one-time instant; use an RFC 3339 instant with a zone offset, e.g. 2026-01-02T15:04:05Z"},
		{"tomorrow", `one-time instant "tomorrow" is not an RFC 3339 time; use an RFC 3339 instant with a zone offset, e.g. 2026-01-02T15:04:05Z`},
		{"2026-01-02T15:04:05", "has no zone offset; append Z for UTC"},
		{"2026-01-02T15:04:05.5", "has no zone offset"},
		{"2026-01-02", "e.g. 2026-01-02T15:04:05Z"},
		{"2026-01-02 15:04:05Z", "e.g. 2026-01-02T15:04:05Z"},
		{"2026-02-30T00:00:00Z", "day out of range"},
		{"2026-01-02T25:00:00Z", "hour out of range"},
		{"1767366245", "e.g. 2026-01-02T15:04:05Z"},
		{"Fri, 02 Jan 2026 15:04:05 GMT", "e.g. 2026-01-02T15:04:05Z"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseOneTime(tt.expr)
			if err == nil {
				t.Fatalf("ParseOneTime = %v, want error", got)
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

func TestOneTimeSchedule(t *testing.T) {
	s, err := Parse(KindOneTime, "2026-01-02T17:04:05+02:00")
	if err != nil {
		t.Fatal(err)
	}
	at := mustTime(t, "2026-01-02T15:04:05Z")
	for _, now := range []string{"2026-01-01T00:00:00Z", "2026-01-02T15:04:05Z", "2027-01-01T00:00:00Z"} {
		// Even when the instant is past: a late task must still run once.
		if got := s.First(mustTime(t, now)); !got.Equal(at) {
			t.Errorf("First(%s) = %v, want %v", now, got, at)
		} else {
			assertUTC(t, got)
		}
	}
	if next, ok := s.Next(at, at.Add(time.Second)); ok || !next.IsZero() {
		t.Errorf("Next = %v, %v; want zero, false", next, ok)
	}
}
