package main

import (
	"fmt"
	"time"

	"github.com/flowrra/schedstore"
)

// when shows an instant as an absolute UTC time and relative to now:
// "2026-03-01 12:05:00Z (in 3m)". Nil shows as "-".
func when(t *time.Time, now time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z") + " (" + relative(t.Sub(now)) + ")"
}

// relative writes d with at most two units: "in 3m", "5s ago", "in 2h5m",
// "3d4h ago", "now" within half a second.
func relative(d time.Duration) string {
	ago := d < 0
	if ago {
		d = -d
	}
	d = d.Round(time.Second)
	if d == 0 {
		return "now"
	}
	var s string
	switch day := 24 * time.Hour; {
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		s = twoUnits(d, time.Minute, "m", time.Second, "s")
	case d < day:
		s = twoUnits(d, time.Hour, "h", time.Minute, "m")
	default:
		s = twoUnits(d, day, "d", time.Hour, "h")
	}
	if ago {
		return s + " ago"
	}
	return "in " + s
}

// twoUnits writes d in big units and, if not zero, the rest in small ones,
// rounded down.
func twoUnits(d, big time.Duration, bigName string, small time.Duration, smallName string) string {
	s := fmt.Sprintf("%d%s", d/big, bigName)
	if rest := (d % big) / small; rest > 0 {
		s += fmt.Sprintf("%d%s", rest, smallName)
	}
	return s
}

// scheduleText shows a schedule in the words of the add command:
// "cron */5 * * * *", "interval 30s", "once 2030-01-02T15:04:05Z".
func scheduleText(t *schedstore.Task) string {
	kind := string(t.ScheduleType)
	if t.ScheduleType == schedstore.ScheduleOneTime {
		kind = "once"
	}
	return kind + " " + t.Schedule
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
