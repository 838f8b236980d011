package mysql

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	mysqldb "github.com/flowrra/schedstore/db/mysql"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/internal/testdb"
)

// The dialect's ClaimDue takes the priorities a window carries (ClaimClock
// read them), and reads them itself (ClaimPriorities) when it carries none.
func TestClaimDuePriorities(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, testdb.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := &dialect{db: s.DB(), q: mysqldb.New(s.DB())}

	// An empty table: no row, so the database's now is read apart.
	empty, err := d.ClaimClock(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if skew := time.Since(empty.Now); skew < -time.Minute || skew > time.Minute || empty.RequestsDue ||
		empty.Priorities == nil || len(empty.Priorities) > 0 {
		t.Fatalf("ClaimClock on an empty table = %+v; want the database's now, no request, no priority (not nil)", empty)
	}

	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	// Six due tasks over priorities 0..2, and a disabled one of priority 9.
	for i := range 7 {
		task := schedstore.NewCron(fmt.Sprintf("job-%d", i), "@hourly")
		task.Priority = i % 3
		task.NextRunAt = ptr(now.Add(-time.Duration(i+1) * time.Minute))
		if i == 6 {
			task.Priority, task.Enabled = 9, false
		}
		if err := s.Create(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	start, err := d.ClaimClock(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(start.Priorities)
	if !start.Now.Equal(now) || start.RequestsDue || !slices.Equal(start.Priorities, []int32{0, 1, 2}) {
		t.Fatalf("ClaimClock(%v) = %+v; want that now, no request due, priorities [0 1 2]", now, start)
	}

	for _, tc := range []struct {
		name       string
		priorities []int32
		want       []int32 // the claimed tasks' priorities
	}{
		{"none read", nil, []int32{2, 2}},
		{"as read", []int32{0, 1, 2}, []int32{2, 2}},
		{"only 0 and 1", []int32{1, 0}, []int32{1, 1}},
		{"no enabled task", []int32{}, nil},
	} {
		w := taskrow.NewClaimWindow(now, time.Second, 2)
		w.Priorities = tc.priorities
		rows, err := d.ClaimDue(ctx, "a", w)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []int32
		for _, r := range rows {
			got = append(got, r.Priority)
			if _, err := d.ReleaseClaim(ctx, schedstore.Claim{Task: &schedstore.Task{ID: r.ID}, Owner: "a", Token: r.LeaseToken}); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: claimed priorities %v, want %v", tc.name, got, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
