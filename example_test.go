package schedstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
)

// open returns a backend on an in-memory SQLite database, so the examples
// run anywhere. Any URL adapter.Open accepts works the same way.
func open() schedstore.Store {
	b, err := adapter.Open(context.Background(), "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	return b
}

var at = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func Example() {
	ctx := context.Background()
	b, err := adapter.Open(ctx, "sqlite://:memory:") // or postgres://..., mysql://...
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	t := schedstore.NewCron("reports.daily", "0 6 * * *")
	t.Kwargs = map[string]any{"format": "pdf"}
	t.NextRunAt = &at
	if err := b.Create(ctx, t); err != nil {
		log.Fatal(err)
	}
	due, err := b.ListDue(ctx, at)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(due), due[0].TaskName, due[0].Kwargs["format"])
	// Output: 1 reports.daily pdf
}

func ExampleBackend_Create() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	t := schedstore.NewInterval("cache.refresh", 5*time.Minute)
	t.ID = "refresh-1"
	fmt.Println(b.Create(ctx, t), t.Version)
	err := b.Create(ctx, t)
	fmt.Println(errors.Is(err, schedstore.ErrAlreadyExists))
	bad := schedstore.NewCron("x", "not cron")
	err = b.Create(ctx, bad)
	var fe *schedstore.FieldError
	fmt.Println(errors.Is(err, schedstore.ErrInvalidTask), errors.As(err, &fe) && fe.Field == "Schedule")
	// Output:
	// <nil> 1
	// true
	// true true
}

func ExampleBackend_Update() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	t := schedstore.NewCron("mail.digest", "0 8 * * *")
	_ = b.Create(ctx, t)
	t.Schedule = "0 9 * * *"
	fmt.Println(b.Update(ctx, t), t.Version) // a non-zero Version is checked, then bumped
	stale := *t
	stale.Version = 1
	fmt.Println(errors.Is(b.Update(ctx, &stale), schedstore.ErrConflict))
	// Output:
	// <nil> 2
	// true
}

func ExampleBackend_Get() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	t := schedstore.NewOneTime("launch", at)
	t.Args = []any{9007199254740993} // beyond 2^53: comes back exact
	_ = b.Create(ctx, t)
	got, _ := b.Get(ctx, t.ID)
	fmt.Println(got.Schedule, got.Args[0], got.NextRunAt.Equal(at))
	_, err := b.Get(ctx, "no-such-id")
	fmt.Println(errors.Is(err, schedstore.ErrNotFound))
	// Output:
	// 2026-01-02T03:04:05Z 9007199254740993 true
	// true
}

func ExampleBackend_Delete() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	t := schedstore.NewCron("x", "@hourly")
	_ = b.Create(ctx, t)
	first, _ := b.Delete(ctx, t.ID)
	second, _ := b.Delete(ctx, t.ID)
	fmt.Println(first, second)
	// Output: true false
}

func ExampleBackend_ListAll() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	for i, name := range []string{"b", "a"} {
		t := schedstore.NewCron(name, "@daily")
		t.CreatedAt = at.Add(time.Duration(i) * time.Second)
		_ = b.Create(ctx, t)
	}
	all, _ := b.ListAll(ctx) // by CreatedAt, then ID
	fmt.Println(all[0].TaskName, all[1].TaskName)
	// Output: b a
}

func ExampleBackend_ListEnabled() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	later, sooner := at.Add(time.Hour), at
	for _, c := range []struct {
		name string
		next *time.Time
		on   bool
	}{{"later", &later, true}, {"never", nil, true}, {"sooner", &sooner, true}, {"off", &sooner, false}} {
		t := schedstore.NewCron(c.name, "@daily")
		t.NextRunAt, t.Enabled = c.next, c.on
		_ = b.Create(ctx, t)
	}
	on, _ := b.ListEnabled(ctx) // by NextRunAt, nulls last
	for _, t := range on {
		fmt.Print(t.TaskName, " ")
	}
	fmt.Println()
	// Output: sooner later never
}

func ExampleBackend_ListDue() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	for i, name := range []string{"low", "high", "future"} {
		t := schedstore.NewInterval(name, time.Minute)
		next := at.Add(time.Duration(i-1) * time.Minute) // -1m, 0, +1m
		t.NextRunAt = &next
		if name == "high" {
			t.Priority = 10
		}
		_ = b.Create(ctx, t)
	}
	due, _ := b.ListDue(ctx, at) // NextRunAt <= at, by Priority desc
	for _, t := range due {
		fmt.Print(t.TaskName, " ")
	}
	fmt.Println()
	// Output: high low
}

func ExampleBackend_UpdateRunTimes() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	t := schedstore.NewInterval("poll", time.Minute)
	_ = b.Create(ctx, t)
	_ = b.UpdateRunTimes(ctx, t.ID, at, at.Add(time.Minute))
	got, _ := b.Get(ctx, t.ID)
	fmt.Println(got.LastRunAt.Format(time.TimeOnly), got.NextRunAt.Format(time.TimeOnly))
	// Output: 03:04:05 03:05:05
}

func ExampleBackend_Clear() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	_ = b.Create(ctx, schedstore.NewCron("a", "@daily"))
	_ = b.Create(ctx, schedstore.NewCron("b", "@daily"))
	n, _ := b.Clear(ctx)
	fmt.Println(n)
	// Output: 2
}

func ExampleBackend_FindByDefinition() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	t := schedstore.NewCron("report", "0 6 * * *")
	t.Kwargs = map[string]any{"to": "ops", "format": "pdf"}
	_ = b.Create(ctx, t)
	// Key order does not matter; nil args equal [].
	found, err := b.FindByDefinition(ctx, "report", schedstore.ScheduleCron, "0 6 * * *",
		nil, map[string]any{"format": "pdf", "to": "ops"})
	fmt.Println(err, found.ID == t.ID)
	// Output: <nil> true
}

func ExampleBackend_Close() {
	b := open()
	fmt.Println(b.Close(), b.Close())
	_, err := b.ListAll(context.Background())
	fmt.Println(errors.Is(err, schedstore.ErrClosed))
	// Output:
	// <nil> <nil>
	// true
}

func ExampleStore_ClaimDue() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	s := b // adapter.Open returns a Store
	t := schedstore.NewInterval("sync", time.Minute)
	t.NextRunAt = &at
	_ = s.Create(ctx, t)

	claims, _ := s.ClaimDue(ctx, "worker-1", at, 30*time.Second, 10)
	again, _ := s.ClaimDue(ctx, "worker-2", at, 30*time.Second, 10) // leased: nothing
	fmt.Println(len(claims), len(again))

	next := claims[0].ScheduledFor.Add(time.Minute)
	fmt.Println(s.CompleteClaim(ctx, claims[0], &next))
	err := s.CompleteClaim(ctx, claims[0], &next) // the token is spent
	fmt.Println(errors.Is(err, schedstore.ErrLeaseLost))
	fires, _ := s.ListFires(ctx, t.ID, 10)
	fmt.Println(len(fires), fires[0].Owner)
	// Output:
	// 1 0
	// <nil>
	// true
	// 1 worker-1
}

func ExampleStore_Ensure() {
	ctx := context.Background()
	b := open()
	defer b.Close()
	s := b
	first, created1, _ := s.Ensure(ctx, schedstore.NewCron("nightly", "0 2 * * *"))
	again, created2, _ := s.Ensure(ctx, schedstore.NewCron("nightly", "0 2 * * *"))
	fmt.Println(created1, created2, first.ID == again.ID)
	// Output: true false true
}
