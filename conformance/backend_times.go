package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

func testTimes(t *testing.T, s *suite) {
	s.leaf(t, "zones_mean_the_same_instant", func(t *testing.T, b schedstore.Store) {
		in := taskWith("zoned", func(t *schedstore.Task) {
			t.CreatedAt = time.Date(2024, 3, 10, 2, 30, 0, 123456789, kolkata)
			t.LastRunAt = at(time.Date(1969, 12, 31, 19, 59, 59, 999999999, stJohns))
			t.NextRunAt = at(time.Date(2031, 1, 1, 0, 0, 0, 1000, stJohns))
		})
		mustCreate(t, b, in)
		want := sampleTask("zoned")
		want.CreatedAt = time.Date(2024, 3, 9, 21, 0, 0, 123456000, time.UTC)
		want.UpdatedAt = want.CreatedAt
		want.Version = 1
		want.LastRunAt = at(time.Date(1969, 12, 31, 23, 29, 59, 999999000, time.UTC))
		want.NextRunAt = at(time.Date(2031, 1, 1, 3, 30, 0, 1000, time.UTC))
		want = normalize(t, want)
		got := mustGet(t, b, "zoned")
		diff(t, "Get of times given in other zones", want, got)
		diff(t, "ListDue at NextRunAt given in Asia/Kolkata", []*schedstore.Task{want},
			mustListDue(t, b, want.NextRunAt.In(kolkata)))
	})

	s.leaf(t, "truncated_not_rounded", func(t *testing.T, b schedstore.Store) {
		in := taskWith("trunc", func(t *schedstore.Task) {
			t.CreatedAt = base.Add(999 * time.Nanosecond)
			t.NextRunAt = at(base.Add(999 * time.Nanosecond))
			t.LastRunAt = at(time.Date(2030, 12, 31, 23, 59, 59, 999999999, time.UTC))
		})
		mustCreate(t, b, in)
		got := mustGet(t, b, "trunc")
		diff(t, "CreatedAt", base, got.CreatedAt)
		diff(t, "NextRunAt", at(base), got.NextRunAt)
		diff(t, "LastRunAt", at(time.Date(2030, 12, 31, 23, 59, 59, 999999000, time.UTC)), got.LastRunAt)
		// Stored as base, so due at base even though given 999ns later.
		diff(t, "ListDue at the truncated NextRunAt", []*schedstore.Task{got}, mustListDue(t, b, base))
	})

	s.leaf(t, "list_all_orders_by_microsecond", func(t *testing.T, b schedstore.Store) {
		// The later task has the smaller ID, so lost precision shows as
		// ID order.
		byID := mustCreateAll(t, b,
			taskWith("b-first", func(t *schedstore.Task) { t.CreatedAt = base.Add(999 * time.Nanosecond) }),
			taskWith("a-second", func(t *schedstore.Task) { t.CreatedAt = base.Add(time.Microsecond) }))
		diff(t, "ListAll of tasks created 1µs apart", pick(t, byID, "b-first", "a-second"), mustListAll(t, b))
	})

	s.leaf(t, "list_enabled_orders_by_microsecond", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b,
			dueTask("b-first", 0, at(base)),
			dueTask("a-second", 0, at(base.Add(time.Microsecond))))
		diff(t, "ListEnabled of tasks due 1µs apart", pick(t, byID, "b-first", "a-second"), mustListEnabled(t, b))
	})

	s.leaf(t, "list_due_boundary_microsecond", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b,
			dueTask("b-first", 0, at(base)),
			dueTask("a-second", 0, at(base.Add(time.Microsecond))))
		diff(t, "ListDue at the later NextRunAt", pick(t, byID, "b-first", "a-second"),
			mustListDue(t, b, base.Add(time.Microsecond)))
		diff(t, "ListDue 1µs before the later NextRunAt", pick(t, byID, "b-first"), mustListDue(t, b, base))
		wantNone(t, "ListDue 1µs before the earlier NextRunAt", mustListDue(t, b, base.Add(-time.Microsecond)))
	})

	// schedstore.Validate accepts years 1000 through 9999, so every backend
	// must store them.
	s.leaf(t, "storable_range", func(t *testing.T, b schedstore.Store) {
		lo := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
		hi := time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
		byID := mustCreateAll(t, b,
			taskWith("lo", func(t *schedstore.Task) { t.CreatedAt, t.LastRunAt, t.NextRunAt = lo, at(lo), at(lo) }),
			taskWith("hi", func(t *schedstore.Task) { t.CreatedAt, t.LastRunAt, t.NextRunAt = hi, at(hi), at(hi) }))
		diff(t, "ListAll at the ends of the storable range", pick(t, byID, "lo", "hi"), mustListAll(t, b))
		diff(t, "ListDue at the end of the storable range", pick(t, byID, "lo", "hi"), mustListDue(t, b, hi))
	})
}
