package schedule

import "time"

// robfig/cron evaluates a schedule directly in its zone and, across DST
// transitions, skips a fixed-time job on the day its time does not exist and
// runs it twice on the day its time repeats (see TestRobfigDST). Instead, the
// spec here only matches wall-clock readings written as UTC times, where no
// transition exists, and the two functions below map readings to instants.

// wallClock returns the reading of loc's clocks at t, written as a UTC time.
func wallClock(t time.Time, loc *time.Location) time.Time {
	_, off := t.In(loc).Zone()
	return t.Add(time.Duration(off) * time.Second).UTC()
}

// afterByWallTime implements the fixed-time rule: each matching reading runs
// once, at the first instant the clocks show it, or at the end of the gap if
// the clocks skip it.
func (c *cronSchedule) afterByWallTime(t time.Time) time.Time {
	w := wallClock(t, c.loc)
	for {
		if w = matchAfter(c.spec, w); w.IsZero() {
			return time.Time{}
		}
		// At most the readings of a repeated hour that already ran map to
		// t or earlier, so this loop ends quickly.
		if at := firstInstant(w, c.loc); at.After(t) {
			return at.UTC()
		}
	}
}

// firstInstant returns the first instant at which loc's clocks read w, or,
// if they skip w, the instant they jump past it.
func firstInstant(w time.Time, loc *time.Location) time.Time {
	// time.Date picks an arbitrary side of a transition, so check what it
	// picked.
	at := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	switch got := wallClock(at, loc); {
	case got.After(w):
		// Skipped, and at lies past the gap: the gap ends where at's
		// zone period starts.
		start, _ := at.ZoneBounds()
		return start
	case got.Before(w):
		// Skipped, and at lies before the gap.
		_, end := at.ZoneBounds()
		return end
	}
	// If the clocks were set back at the start of at's zone period, the
	// same reading may also have occurred before it.
	start, _ := at.ZoneBounds()
	if start.IsZero() {
		return at
	}
	_, offBefore := start.Add(-time.Nanosecond).In(loc).Zone()
	_, offAt := at.Zone()
	if offBefore > offAt {
		if earlier := at.Add(-time.Duration(offBefore-offAt) * time.Second); earlier.Before(start) {
			return earlier
		}
	}
	return at
}

// horizon bounds the search like matchAfter, so a schedule whose only
// matches fall in DST gaps cannot loop forever.
const horizon = searchYears * 366 * 24 * time.Hour

// afterOnClock implements the wildcard rule: the first instant after t at
// which loc's clocks show a matching reading. Within one zone period the
// offset is constant, so one spec search per period suffices.
func (c *cronSchedule) afterOnClock(t time.Time) time.Time {
	p := t.In(c.loc)
	from := wallClock(p, c.loc) // exclusive
	for p.Sub(t) < horizon {
		w := matchAfter(c.spec, from)
		if w.IsZero() {
			return time.Time{}
		}
		_, off := p.Zone()
		at := w.Add(-time.Duration(off) * time.Second)
		_, end := p.ZoneBounds()
		if end.IsZero() || at.Before(end) {
			return at.UTC()
		}
		// The reading is not shown in this period (a gap, or the offset
		// changed first): search again from the next period's first
		// reading, inclusive.
		p = end.In(c.loc)
		from = wallClock(p, c.loc).Add(-time.Nanosecond)
	}
	return time.Time{}
}
