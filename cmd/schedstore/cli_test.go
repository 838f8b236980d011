package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

// runApp runs a command line in this process with a fixed clock.
func runApp(t *testing.T, now time.Time, env map[string]string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	a.now = func() time.Time { return now }
	a.getenv = func(k string) string { return env[k] }
	status = a.execute(context.Background(), args)
	return out.String(), errb.String(), status
}

func TestEveryCommandHasAnExample(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no example in its --help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	a := newApp(&bytes.Buffer{}, &bytes.Buffer{})
	walk(a.rootCmd())
}

// TestCronFirstRunAcrossDST pins the first run computed by add for a
// 02:30 New York job around both transitions of 2026.
func TestCronFirstRunAcrossDST(t *testing.T) {
	for _, c := range []struct{ now, want string }{
		{"2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z"}, // 02:30 skipped: 03:00 EDT
		{"2026-03-09T00:00:00Z", "2026-03-09T06:30:00Z"}, // 02:30 EDT
		{"2026-11-01T05:00:00Z", "2026-11-01T07:30:00Z"}, // 02:30 EST, after the repeated hour
		{"2026-01-15T12:00:00Z", "2026-01-16T07:30:00Z"}, // winter
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		db := map[string]string{envDatabaseURL: "sqlite://" + t.TempDir() + "/db"}
		_, stderr, status := runApp(t, now, db, "add", "cron", "CRON_TZ=America/New_York 30 2 * * *", "--task", "b", "--id", "ny")
		if status != 0 {
			t.Fatalf("add at %s: status %d: %s", c.now, status, stderr)
		}
		out, stderr, status := runApp(t, now, db, "list")
		if status != 0 {
			t.Fatalf("list: status %d: %s", status, stderr)
		}
		want, _ := time.Parse(time.RFC3339, c.want)
		if shown := want.Format("2006-01-02 15:04:05Z") + " (in "; !strings.Contains(out, shown) {
			t.Errorf("now %s: list shows\n%s\nwant next run %s", c.now, out, c.want)
		}
	}
}

func TestTable(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	next, last := now.Add(3*time.Minute), now.Add(-5*time.Second)
	tasks := []*schedstore.Task{
		{ID: "a", TaskName: "reports.daily", ScheduleType: schedstore.ScheduleCron, Schedule: "3 12 * * *",
			NextRunAt: &next, LastRunAt: &last, Enabled: true, Priority: 10},
		{ID: "long-identifier", TaskName: "x", ScheduleType: schedstore.ScheduleOneTime,
			Schedule: "2026-03-01T11:00:00Z", LastRunAt: &last, Priority: -1},
	}
	var buf bytes.Buffer
	if err := writeTable(&buf, tasks, now); err != nil {
		t.Fatal(err)
	}
	want := `ID               TASK           SCHEDULE                   NEXT RUN (UTC)                LAST RUN (UTC)                 ENABLED  PRIORITY
a                reports.daily  cron 3 12 * * *            2026-03-01 12:03:00Z (in 3m)  2026-03-01 11:59:55Z (5s ago)  yes      10
long-identifier  x              once 2026-03-01T11:00:00Z  -                             2026-03-01 11:59:55Z (5s ago)  no       -1
`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestRelative(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                "now",
		400 * time.Millisecond:           "now",
		-5 * time.Second:                 "5s ago",
		3 * time.Minute:                  "in 3m",
		3*time.Minute + 20*time.Second:   "in 3m20s",
		2*time.Hour + 5*time.Minute:      "in 2h5m",
		-(76*time.Hour + 30*time.Minute): "3d4h ago",
		48 * time.Hour:                   "in 2d",
	} {
		if got := relative(d); got != want {
			t.Errorf("relative(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFlowrraURL(t *testing.T) {
	for in, want := range map[string]string{
		"sqlite:///schedules.db":          "sqlite://schedules.db",
		"sqlite:///data/s.db":             "sqlite://data/s.db",
		"sqlite://":                       defaultDatabaseURL,
		"sqlite:///my%20file.db":          "sqlite://my%20file.db",
		"postgresql://u:p@localhost/f":    "postgresql://u:p@localhost/f",
		"mysql://root@127.0.0.1:3306/app": "mysql://root@127.0.0.1:3306/app",
	} {
		if got := fromFlowrraURL(in); got != want {
			t.Errorf("fromFlowrraURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDatabaseURLPrecedence(t *testing.T) {
	env := map[string]string{}
	a := newApp(&bytes.Buffer{}, &bytes.Buffer{})
	a.getenv = func(k string) string { return env[k] }
	check := func(want string) {
		t.Helper()
		if got := a.databaseURL(); got != want {
			t.Fatalf("databaseURL() = %q, want %q", got, want)
		}
	}
	check(defaultDatabaseURL)
	env[envFlowrraDatabaseURL] = "postgresql://f/db"
	check("postgresql://f/db")
	env[envDatabaseURL] = " mysql://s/db "
	check("mysql://s/db")
	a.dbFlag = "sqlite://flag.db"
	check("sqlite://flag.db")
}

func TestDemoRemovesItsDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the scheduler for a second")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	out, stderr, status := runApp(t, time.Now(), nil, "demo", "--for", "1500ms")
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	if !strings.Contains(out, "fired heartbeat") {
		t.Errorf("no heartbeat fired:\n%s", out)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("the demo left %v in the temporary directory", left)
	}
}
