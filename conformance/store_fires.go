package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// farFuture is an olderThan after every fire a test can record.
var farFuture = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)

// fire claims id at now, completes the claim with next and returns the
// ledger entry that is owed, FinishedAt aside.
func fire(t testing.TB, st schedstore.Store, id string, now time.Time, next *time.Time) schedstore.Fire {
	t.Helper()
	c := mustClaimOne(t, st, "worker", now, id)
	mustComplete(t, st, c, next)
	return fireOf(c)
}

func mustPrune(t testing.TB, st schedstore.Store, olderThan time.Time) int64 {
	t.Helper()
	n, err := st.PruneFires(t.Context(), olderThan)
	if err != nil {
		t.Fatalf("PruneFires(%v): %v", olderThan, err)
	}
	return n
}

func testFires(t *testing.T, s *suite) {
	s.storeLeaf(t, "newest_first_and_limit", func(t *testing.T, st schedstore.Store) {
		occ := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
		mustCreate(t, st, dueTask("job", 0, at(occ(2))))
		mustCreate(t, st, dueTask("other", 0, at(occ(9)))) // due after job's last fire
		// Recorded out of order, so an order by insertion or FinishedAt shows.
		fire(t, st, "job", occ(2), at(occ(0)))
		fire(t, st, "job", occ(2), at(occ(3))) // fires occ(0), due at occ(2)
		fire(t, st, "job", occ(3), at(occ(1)))
		fire(t, st, "job", occ(3), nil) // fires occ(1)
		fire(t, st, "other", occ(9), nil)
		var all []schedstore.Fire
		for _, i := range []int{3, 2, 1, 0} {
			all = append(all, schedstore.Fire{TaskID: "job", ScheduledFor: occ(i), Owner: "worker",
				Status: schedstore.FireSucceeded, Attempts: 1, Kind: schedstore.FireScheduled, Occurrences: 1,
				LastScheduledFor: occ(i)})
		}
		for _, c := range []struct {
			limit int
			want  []schedstore.Fire
		}{{0, all}, {-1, all}, {1, all[:1]}, {2, all[:2]}, {4, all}, {10, all}} {
			diff(t, fmt.Sprintf("ListFires with limit %d", c.limit), c.want, mustFires(t, st, "job", c.limit), ignoreFireClock)
		}
		wantNoFires(t, st, "unknown task", "ghost")
	})

	s.storeLeaf(t, "prune_by_finished_at", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		fire(t, st, "job", base, at(base.Add(time.Minute)))
		// FinishedAt is the backend's clock: a pause keeps the two fires apart,
		// even on a clock that ticks in milliseconds.
		time.Sleep(20 * time.Millisecond)
		fire(t, st, "job", base.Add(time.Minute), at(base.Add(2*time.Minute)))
		fires := mustFires(t, st, "job", 0)
		if len(fires) != 2 {
			t.Fatalf("ListFires = %+v, want two fires", fires)
		}
		// Ordered by what was read back, not by what the test expects of a
		// clock it does not own.
		older, newer := fires[0], fires[1]
		if newer.FinishedAt.Before(older.FinishedAt) {
			older, newer = newer, older
		}
		if !older.FinishedAt.Before(newer.FinishedAt) {
			t.Fatalf("both fires, 20ms apart, have FinishedAt %v: the boundary cannot fall between them", older.FinishedAt)
		}
		if n := mustPrune(t, st, past); n != 0 {
			t.Errorf("PruneFires(far past) = %d, want 0", n)
		}
		// The boundary is exclusive: a fire at olderThan stays.
		if n := mustPrune(t, st, older.FinishedAt); n != 0 {
			t.Errorf("PruneFires(the older FinishedAt) = %d, want 0", n)
		}
		if n := mustPrune(t, st, newer.FinishedAt); n != 1 {
			t.Errorf("PruneFires(the newer FinishedAt) = %d, want 1", n)
		}
		diff(t, "ListFires after pruning the older fire", []schedstore.Fire{newer}, mustFires(t, st, "job", 0))
		if n := mustPrune(t, st, farFuture); n != 1 {
			t.Errorf("PruneFires(far future) = %d, want 1", n)
		}
		wantNoFires(t, st, "after pruning everything", "job")
	})

	// A fire at 12:00:00.000001 was recorded before 12:00:00.0000015;
	// truncating olderThan to the stored precision would keep it.
	s.storeLeaf(t, "prune_sub_microsecond_bound", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("job", 0, at(base)))
		fire(t, st, "job", base, nil)
		fires := mustFires(t, st, "job", 0)
		if len(fires) != 1 {
			t.Fatalf("ListFires = %+v, want one fire", fires)
		}
		if n := mustPrune(t, st, fires[0].FinishedAt.Add(500*time.Nanosecond)); n != 1 {
			t.Errorf("PruneFires(FinishedAt + 500ns) = %d, want 1", n)
		}
	})

	s.storeLeaf(t, "delete_and_clear_remove_fires", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, dueTask("a", 0, at(base)))
		fire(t, st, "a", base, nil)
		mustCreate(t, st, dueTask("b", 0, at(base)))
		fire(t, st, "b", base, nil)
		if _, err := st.Delete(t.Context(), "a"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		// A new task with the old ID inherits no history.
		mustCreate(t, st, dueTask("a", 0, at(base)))
		wantNoFires(t, st, "after Delete and a new Create of the ID", "a")
		if len(mustFires(t, st, "b", 0)) != 1 {
			t.Errorf("Delete of a removed the fires of b")
		}
		if _, err := st.Clear(t.Context()); err != nil {
			t.Fatalf("Clear: %v", err)
		}
		wantNoFires(t, st, "after Clear", "b")
		// Gone, not hidden: nothing is left to prune.
		if n := mustPrune(t, st, farFuture); n != 0 {
			t.Errorf("PruneFires(far future) after Delete and Clear = %d, want 0", n)
		}
	})
}
