package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// dueTask is an enabled task due at next with priority prio.
func dueTask(id string, prio int, next *time.Time) *schedstore.Task {
	return taskWith(id, func(t *schedstore.Task) { t.Priority, t.NextRunAt = prio, next })
}

func testDue(t *testing.T, s *suite) {
	s.leaf(t, "filter_and_order", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b,
			dueTask("p5-b", 5, at(base.Add(-time.Hour))),
			dueTask("p5-a", 5, at(base.Add(-time.Hour))),
			dueTask("p5-early", 5, at(base.Add(-2*time.Hour))),
			dueTask("p0-now", 0, at(base)),
			dueTask("neg", -3, at(past)),
			dueTask("future", 9, at(base.Add(time.Microsecond))),
			dueTask("no-next", 9, nil),
			taskWith("disabled", func(t *schedstore.Task) {
				t.Priority, t.NextRunAt, t.Enabled = 9, at(past), false
			}),
		)
		diff(t, "ListDue (Priority desc, NextRunAt, ID)",
			pick(t, byID, "p5-early", "p5-a", "p5-b", "p0-now", "neg"), mustListDue(t, b, base))
	})

	s.leaf(t, "zero_now_is_current_time", func(t *testing.T, b schedstore.Store) {
		now := time.Now()
		byID := mustCreateAll(t, b,
			dueTask("minute-ago", 0, at(now.Add(-time.Minute))),
			dueTask("hour-ahead", 0, at(now.Add(time.Hour))))
		diff(t, "ListDue(zero time)", pick(t, byID, "minute-ago"), mustListDue(t, b, time.Time{}))
	})

	s.leaf(t, "now_in_other_zone", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b, dueTask("due", 0, at(base)))
		diff(t, "ListDue at NextRunAt in Asia/Kolkata", pick(t, byID, "due"), mustListDue(t, b, base.In(kolkata)))
		diff(t, "ListDue at NextRunAt in America/St_Johns", pick(t, byID, "due"), mustListDue(t, b, base.In(stJohns)))
		wantNone(t, "ListDue 1µs before NextRunAt in America/St_Johns",
			mustListDue(t, b, base.Add(-time.Microsecond).In(stJohns)))
	})

	// now may carry nanoseconds. Comparing it rounded to the microsecond
	// (as a database column would on insert) would make a task due early.
	s.leaf(t, "sub_microsecond_now", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b, dueTask("due", 0, at(base)))
		wantNone(t, "ListDue 1ns before NextRunAt", mustListDue(t, b, base.Add(-time.Nanosecond)))
		diff(t, "ListDue 999ns after NextRunAt", pick(t, byID, "due"),
			mustListDue(t, b, base.Add(999*time.Nanosecond)))
	})
}
