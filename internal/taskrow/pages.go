package taskrow

import (
	"context"
	"fmt"
	"iter"

	"github.com/flowrra/schedstore"
)

// MaxPage is the largest limit ListPage takes (ClaimDue's bound too).
const MaxPage = 1 << 20

// CheckPage validates ListPage's arguments and returns the cursor in the
// stored form, in UTC. Stored times are whole microseconds: a CreatedAt
// between two of them is after every task of the earlier one, so it moves
// to the later one, before every ID there. (The zero time stays zero, the
// start of the list.)
func CheckPage(after schedstore.Cursor, limit int) (schedstore.Cursor, error) {
	if limit < 1 || limit > MaxPage {
		return schedstore.Cursor{}, &schedstore.FieldError{Field: "limit", Reason: fmt.Sprintf("%d is outside 1..%d", limit, MaxPage)}
	}
	if u := Time(after.CreatedAt); !u.Equal(after.CreatedAt) {
		return schedstore.Cursor{CreatedAt: StrictBound(after.CreatedAt)}, nil
	}
	after.CreatedAt = Time(after.CreatedAt)
	return after, nil
}

// NextCursor is ListPage's next: the last task's position when the page is
// full, else the zero Cursor (the list has ended).
func NextCursor(tasks []*schedstore.Task, limit int) schedstore.Cursor {
	if len(tasks) < limit || len(tasks) == 0 {
		return schedstore.Cursor{}
	}
	return schedstore.CursorOf(tasks[len(tasks)-1])
}

// Pages is ListAllSeq over a ListPage: page after page of
// schedstore.ListPageSize tasks from after until a page says the list has
// ended, an error (yielded once, then the end) or the caller's break.
// ListPage checks the context and the closed guard, so both are checked
// before every page.
func Pages(ctx context.Context, after schedstore.Cursor,
	page func(ctx context.Context, after schedstore.Cursor, limit int) ([]*schedstore.Task, schedstore.Cursor, error),
) iter.Seq2[*schedstore.Task, error] {
	return func(yield func(*schedstore.Task, error) bool) {
		cur := after
		for {
			tasks, next, err := page(ctx, cur, schedstore.ListPageSize)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, t := range tasks {
				if !yield(t, nil) {
					return
				}
			}
			if next.IsZero() {
				return
			}
			cur = next
		}
	}
}
