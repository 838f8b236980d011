package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// testPages asserts ListPage and ListAllSeq, the keyset forms of ListAll:
// the same order, page by page, from any cursor, and the iterator's
// early stop, cancellation and Close.
func testPages(t *testing.T, s *suite) {
	s.storeLeaf(t, "empty", func(t *testing.T, st schedstore.Store) {
		tasks, next, err := st.ListPage(t.Context(), schedstore.Cursor{}, 10)
		if err != nil || len(tasks) != 0 || !next.IsZero() {
			t.Errorf("ListPage on an empty store = %d tasks, next %v, %v; want none, zero, nil", len(tasks), next, err)
		}
		for task, err := range st.ListAllSeq(t.Context(), schedstore.Cursor{}) {
			t.Errorf("ListAllSeq on an empty store yielded %v, %v", task, err)
		}
	})

	s.storeLeaf(t, "limit", func(t *testing.T, st schedstore.Store) {
		mustCreate(t, st, sampleTask("only"))
		for _, limit := range []int{0, -1, 1<<20 + 1} {
			_, _, err := st.ListPage(t.Context(), schedstore.Cursor{}, limit)
			wantIs(t, fmt.Sprintf("ListPage(limit %d)", limit), err, schedstore.ErrInvalidTask)
			var fe *schedstore.FieldError
			if errors.As(err, &fe) && fe.Field != "limit" {
				t.Errorf("ListPage(limit %d): the error names %q, want limit", limit, fe.Field)
			}
		}
		tasks, next, err := st.ListPage(t.Context(), schedstore.Cursor{}, 1<<20)
		if err != nil || len(tasks) != 1 || !next.IsZero() {
			t.Errorf("ListPage(limit 1<<20) = %d tasks, next %v, %v; want 1, zero, nil", len(tasks), next, err)
		}
	})

	s.storeLeaf(t, "order_across_pages", func(t *testing.T, st schedstore.Store) {
		// Many tasks at one CreatedAt (ordered by ID in byte order), so
		// page boundaries fall between equal CreatedAt.
		var in []*schedstore.Task
		for i := len(byteOrderIDs) - 1; i >= 0; i-- {
			in = append(in, taskWith(byteOrderIDs[i], func(t *schedstore.Task) { t.CreatedAt = base }))
		}
		in = append(in,
			taskWith("0-last", func(t *schedstore.Task) { t.CreatedAt = base.Add(time.Microsecond) }),
			taskWith("~-first", func(t *schedstore.Task) { t.CreatedAt = base.Add(-time.Microsecond) }),
			taskWith("~-disabled", func(t *schedstore.Task) { t.CreatedAt = base.Add(-time.Hour); t.Enabled = false }))
		mustCreateAll(t, st, in...)
		all := mustListAll(t, st)
		for _, limit := range []int{1, 2, 3, 5, len(all) - 1, len(all), len(all) + 1} {
			var got []*schedstore.Task
			var after schedstore.Cursor
			for pages := 0; ; pages++ {
				if pages > len(all)+1 {
					t.Fatalf("limit %d: more than %d pages", limit, pages)
				}
				page, next, err := st.ListPage(t.Context(), after, limit)
				if err != nil {
					t.Fatalf("ListPage(%v, %d): %v", after, limit, err)
				}
				if len(page) > limit {
					t.Errorf("ListPage(%v, %d) returned %d tasks", after, limit, len(page))
				}
				got = append(got, page...)
				// next is the last task's position on a full page, else zero.
				want := schedstore.Cursor{}
				if len(page) == limit {
					want = schedstore.CursorOf(page[len(page)-1])
				}
				if next.ID != want.ID || !next.CreatedAt.Equal(want.CreatedAt) {
					t.Errorf("ListPage(%v, %d): next %v, want %v", after, limit, next, want)
				}
				if next.IsZero() {
					break
				}
				after = next
			}
			diff(t, fmt.Sprintf("ListPage pages of %d, joined", limit), all, got)
		}
		var seq []*schedstore.Task
		for task, err := range st.ListAllSeq(t.Context(), schedstore.Cursor{}) {
			if err != nil {
				t.Fatalf("ListAllSeq: %v", err)
			}
			seq = append(seq, task)
		}
		diff(t, "ListAllSeq", all, seq)
	})

	s.storeLeaf(t, "after", func(t *testing.T, st schedstore.Store) {
		byID := mustCreateAll(t, st,
			taskWith("b", func(t *schedstore.Task) { t.CreatedAt = base }),
			taskWith("d", func(t *schedstore.Task) { t.CreatedAt = base }),
			taskWith("a", func(t *schedstore.Task) { t.CreatedAt = base.Add(time.Microsecond) }),
			taskWith("z", func(t *schedstore.Task) { t.CreatedAt = base.Add(-time.Microsecond) }))
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			what  string
			after schedstore.Cursor
			want  []string
		}{
			{"the start", schedstore.Cursor{}, []string{"z", "b", "d", "a"}},
			{"a stored task", schedstore.CursorOf(byID["b"]), []string{"d", "a"}},
			{"the first task", schedstore.CursorOf(byID["z"]), []string{"b", "d", "a"}},
			{"the last task", schedstore.CursorOf(byID["a"]), nil},
			{"an ID between two at one CreatedAt", schedstore.Cursor{CreatedAt: base, ID: "c"}, []string{"d", "a"}},
			{"a CreatedAt alone", schedstore.Cursor{CreatedAt: base}, []string{"b", "d", "a"}},
			{"a CreatedAt in another zone", schedstore.Cursor{CreatedAt: base.In(ny), ID: "b"}, []string{"d", "a"}},
			{"a CreatedAt between two microseconds", schedstore.Cursor{CreatedAt: base.Add(500 * time.Nanosecond), ID: "zzz"}, []string{"a"}},
			{"a cursor past every task", schedstore.Cursor{CreatedAt: farFuture}, nil},
		} {
			page, _, err := st.ListPage(t.Context(), c.after, 10)
			if err != nil {
				t.Fatalf("ListPage after %s: %v", c.what, err)
			}
			diff(t, "ListPage after "+c.what, pick(t, byID, c.want...), page)
			seq := []*schedstore.Task{}
			for task, err := range st.ListAllSeq(t.Context(), c.after) {
				if err != nil {
					t.Fatalf("ListAllSeq after %s: %v", c.what, err)
				}
				seq = append(seq, task)
			}
			diff(t, "ListAllSeq after "+c.what, pick(t, byID, c.want...), seq)
		}
	})

	// More than one page of ListAllSeq: a page boundary inside a run of
	// equal CreatedAt, the early stop, cancellation and Close between pages.
	s.storeLeaf(t, "seq_pages", func(t *testing.T, st schedstore.Store) {
		n := schedstore.ListPageSize + 3
		for i := range n {
			// Groups of 7 at one CreatedAt; IDs against the order of creation.
			mustCreate(t, st, taskWith(fmt.Sprintf("t%05d", 2*n-i), func(t *schedstore.Task) {
				t.CreatedAt = base.Add(time.Duration(i/7) * time.Microsecond)
			}))
		}
		all := mustListAll(t, st)
		if len(all) != n {
			t.Fatalf("ListAll has %d tasks, want %d", len(all), n)
		}
		if !all[schedstore.ListPageSize-1].CreatedAt.Equal(all[schedstore.ListPageSize].CreatedAt) {
			t.Fatalf("the test's first page boundary is not inside a run of equal CreatedAt")
		}
		var got []string
		for task, err := range st.ListAllSeq(t.Context(), schedstore.Cursor{}) {
			if err != nil {
				t.Fatalf("ListAllSeq: %v", err)
			}
			got = append(got, task.ID)
		}
		diff(t, "ListAllSeq over two pages (IDs)", ids(all), got)
		if !slices.IsSortedFunc(all, func(a, b *schedstore.Task) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		}) {
			t.Errorf("ListAll is not in (CreatedAt, ID) order")
		}

		// Break: the loop ends, and the store goes on working (nothing
		// is held open: SQLite's one connection would block the next call).
		seen := 0
		for _, err := range st.ListAllSeq(t.Context(), schedstore.Cursor{}) {
			if err != nil {
				t.Fatalf("ListAllSeq: %v", err)
			}
			if seen++; seen == 3 {
				break
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), promptly)
		if err := st.Create(ctx, sampleTask("after-break")); err != nil {
			t.Errorf("Create after breaking out of ListAllSeq: %v", err)
		}
		cancel()
		if _, err := st.Delete(t.Context(), "after-break"); err != nil {
			t.Fatalf("Delete: %v", err)
		}

		// Cancelled during the first page: the page in hand is yielded,
		// then the next page fails once with the context's error.
		ctx, cancel = context.WithCancel(t.Context())
		got, errs := nil, []error(nil)
		for task, err := range st.ListAllSeq(ctx, schedstore.Cursor{}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, task.ID)
			cancel()
		}
		cancel()
		if len(got) != schedstore.ListPageSize || len(errs) != 1 {
			t.Errorf("ListAllSeq cancelled during the first page: %d tasks, errors %v; want %d, one error",
				len(got), errs, schedstore.ListPageSize)
		}
		if len(errs) > 0 {
			wantIs(t, "ListAllSeq cancelled", errs[0], context.Canceled)
		}

		// Closed during the first page: the next page fails with ErrClosed.
		got, errs = nil, nil
		for task, err := range st.ListAllSeq(t.Context(), schedstore.Cursor{}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, task.ID)
			if len(got) == 1 {
				if err := st.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
			}
		}
		if len(got) != schedstore.ListPageSize || len(errs) != 1 {
			t.Errorf("ListAllSeq closed during the first page: %d tasks, errors %v; want %d, one error",
				len(got), errs, schedstore.ListPageSize)
		}
		if len(errs) > 0 {
			wantIs(t, "ListAllSeq after Close", errs[0], schedstore.ErrClosed)
		}
	})
}
