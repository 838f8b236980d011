package conformance

import (
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// byteOrderIDs are distinct task IDs in Go string (byte) order. A database
// collation would fold case, ignore trailing spaces, normalize Unicode or
// sort "ä" next to "a"; the contract allows none of it, as IDs are byte
// strings.
var byteOrderIDs = []string{"%", "10", "9", "B", "Z", "_", "a", "a ", "b", "e\u0301", "ä", "é"}

func testLists(t *testing.T, s *suite) {
	s.leaf(t, "empty", func(t *testing.T, b schedstore.Store) {
		if got := mustListAll(t, b); len(got) != 0 {
			t.Errorf("ListAll on an empty store returned %d tasks", len(got))
		}
		if got := mustListEnabled(t, b); len(got) != 0 {
			t.Errorf("ListEnabled on an empty store returned %d tasks", len(got))
		}
		if got := mustListDue(t, b, base); len(got) != 0 {
			t.Errorf("ListDue on an empty store returned %d tasks", len(got))
		}
	})

	s.leaf(t, "list_all_order", func(t *testing.T, b schedstore.Store) {
		var in []*schedstore.Task
		// Created in reverse, so insertion order cannot pass for ID order.
		for i := len(byteOrderIDs) - 1; i >= 0; i-- {
			in = append(in, taskWith(byteOrderIDs[i], func(t *schedstore.Task) { t.CreatedAt = base }))
		}
		in = append(in,
			taskWith("0-last", func(t *schedstore.Task) { t.CreatedAt = base.Add(time.Microsecond) }),
			taskWith("~-first", func(t *schedstore.Task) { t.CreatedAt = base.Add(-time.Microsecond) }),
			taskWith("~-disabled", func(t *schedstore.Task) { t.CreatedAt = base.Add(-time.Hour); t.Enabled = false }))
		byID := mustCreateAll(t, b, in...)
		order := append([]string{"~-disabled", "~-first"}, byteOrderIDs...)
		order = append(order, "0-last")
		diff(t, "ListAll (CreatedAt, then ID in byte order)", pick(t, byID, order...), mustListAll(t, b))
	})

	s.leaf(t, "list_enabled_order", func(t *testing.T, b schedstore.Store) {
		next := func(id string, n *time.Time, enabled bool, created time.Time) *schedstore.Task {
			return taskWith(id, func(t *schedstore.Task) {
				t.NextRunAt, t.Enabled, t.CreatedAt = n, enabled, created
			})
		}
		// CreatedAt runs against the expected order, so sorting by it (or
		// by insertion) shows.
		byID := mustCreateAll(t, b,
			next("nil-b", nil, true, base.Add(-1*time.Hour)),
			next("nil-a", nil, true, base.Add(-2*time.Hour)),
			next("a", at(base.Add(time.Microsecond)), true, base.Add(-3*time.Hour)),
			next("c", at(base), true, base.Add(-4*time.Hour)),
			next("b", at(base), true, base.Add(-5*time.Hour)),
			next("B", at(base), true, base.Add(-5*time.Hour)),
			next("z-early", at(past), true, base.Add(-6*time.Hour)),
			next("0-disabled", at(past), false, base.Add(-7*time.Hour)),
			next("0-disabled-nil", nil, false, base.Add(-8*time.Hour)),
		)
		diff(t, "ListEnabled (NextRunAt with nulls last, then ID)",
			pick(t, byID, "z-early", "B", "b", "c", "a", "nil-a", "nil-b"), mustListEnabled(t, b))
	})
}
