package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// Like the Backend concurrency tests, these assert outcomes, never
// overlap, so they hold for a database that serializes writers.
func testStoreConcurrency(t *testing.T, s *suite) {
	s.storeLeaf(t, "claims_are_exclusive", func(t *testing.T, st schedstore.Store) {
		const tasks, workers, limit = 20, 8, 3
		for i := range tasks {
			mustCreate(t, st, dueTask(fmt.Sprintf("job-%02d", i), i%3, at(base.Add(-time.Duration(i)*time.Second))))
		}
		// Each worker claims until nothing is left for it. A worker may stop
		// while rows another is claiming are locked: that one takes them.
		claimed := make([][]schedstore.Claim, workers)
		race(workers, func(w int) {
			owner := fmt.Sprintf("worker-%d", w)
			for {
				got, err := st.ClaimDue(t.Context(), owner, base, testLease, limit)
				if err != nil {
					t.Errorf("%s: ClaimDue: %v", owner, err)
					return
				}
				if len(got) > limit {
					t.Errorf("%s: ClaimDue with limit %d claimed %d", owner, limit, len(got))
				}
				if len(got) == 0 {
					return
				}
				claimed[w] = append(claimed[w], got...)
			}
		})
		holder := map[string]schedstore.Claim{}
		for _, cs := range claimed {
			for _, c := range cs {
				if prev, ok := holder[c.Task.ID]; ok {
					t.Errorf("%s claimed by both %s and %s", c.Task.ID, prev.Owner, c.Owner)
				}
				holder[c.Task.ID] = c
			}
		}
		if len(holder) != tasks {
			t.Errorf("%d of %d due tasks were claimed", len(holder), tasks)
		}
		wantNoClaim(t, st, "ClaimDue after the workers", "late-worker", base)
		race(workers, func(w int) {
			for _, c := range claimed[w] {
				if err := st.CompleteClaim(t.Context(), c, at(base.Add(time.Hour))); err != nil {
					t.Errorf("%s: CompleteClaim of %s: %v", c.Owner, c.Task.ID, err)
				}
			}
		})
		for id, c := range holder {
			diff(t, "ListFires of "+id, []schedstore.Fire{fireOf(c)}, mustFires(t, st, id, 0), ignoreFireClock)
		}
	})

	s.storeLeaf(t, "ensure_creates_once", func(t *testing.T, st schedstore.Store) {
		const n = 32
		got := make([]*schedstore.Task, n)
		created := make([]bool, n)
		errs := make([]error, n)
		race(n, func(i int) {
			// Each caller its own task: Ensure may write back into it.
			got[i], created[i], errs[i] = st.Ensure(t.Context(), taskWith("", setDesc(fmt.Sprintf("caller %d", i))))
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err != nil:
				t.Errorf("caller %d: Ensure: %v", i, err)
			case created[i] && winner >= 0:
				t.Errorf("callers %d and %d both created the definition", winner, i)
			case created[i]:
				winner = i
			}
		}
		if winner < 0 {
			t.Fatalf("none of %d concurrent Ensure calls created the task", n)
		}
		for i, task := range got {
			if errs[i] == nil {
				diff(t, fmt.Sprintf("caller %d's task", i), got[winner], task)
			}
		}
		diff(t, "ListAll after concurrent Ensure calls", []*schedstore.Task{got[winner]}, mustListAll(t, st))
	})
}
