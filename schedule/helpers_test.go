package schedule

import (
	"testing"
	"time"
	// Bundled zone data keeps the DST tests independent of the host.
	_ "time/tzdata"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func mustCron(t testing.TB, expr string) Schedule {
	t.Helper()
	s, err := ParseCron(expr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assertUTC fails if at is not in UTC: callers store and compare these
// times, and a stray zone would show up in logs and formatting.
func assertUTC(t testing.TB, at time.Time) {
	t.Helper()
	if !at.IsZero() && at.Location() != time.UTC {
		t.Errorf("%v is in %v, want UTC", at, at.Location())
	}
}
