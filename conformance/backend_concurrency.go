package conformance

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/flowrra/schedstore"
)

// The concurrency tests assert outcomes, never overlap, so they hold for a
// database that serializes writers (SQLite) too.
func testConcurrency(t *testing.T, s *suite) {
	s.leaf(t, "same_id_create", func(t *testing.T, b schedstore.Store) {
		const n = 32
		tasks := make([]*schedstore.Task, n)
		errs := make([]error, n)
		for i := range tasks {
			tasks[i] = taskWith("contended", setDesc(fmt.Sprintf("writer %d", i)))
		}
		race(n, func(i int) { errs[i] = b.Create(t.Context(), tasks[i]) })
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("writers %d and %d both created the same ID", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, schedstore.ErrAlreadyExists):
				t.Errorf("writer %d: got %v, want nil or ErrAlreadyExists", i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("none of %d concurrent Creates succeeded", n)
		}
		diff(t, "ListAll after concurrent Creates of one ID",
			[]*schedstore.Task{normalize(t, tasks[winner])}, mustListAll(t, b))
	})

	s.leaf(t, "distinct_creates", func(t *testing.T, b schedstore.Store) {
		const writers, each = 16, 10
		var mu sync.Mutex
		want := map[string]*schedstore.Task{}
		race(writers, func(w int) {
			for range each {
				in := sampleTask("")
				if err := b.Create(t.Context(), in); err != nil {
					t.Errorf("writer %d: Create: %v", w, err)
					return
				}
				mu.Lock()
				want[in.ID] = normalize(t, in)
				mu.Unlock()
			}
		})
		got := mustListAll(t, b)
		if len(got) != writers*each || len(want) != writers*each {
			t.Fatalf("ListAll has %d tasks with %d distinct IDs written back, want %d", len(got), len(want), writers*each)
		}
		for _, task := range got {
			diff(t, "ListAll entry "+task.ID, want[task.ID], task)
		}
	})

	s.leaf(t, "mixed_operations", func(t *testing.T, b schedstore.Store) { mixedOperations(t, b) })
}

// race runs f(0..n-1) on n goroutines released together, to make the calls
// overlap as much as the backend allows.
func race(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			f(i)
		})
	}
	close(start)
	wg.Wait()
}
