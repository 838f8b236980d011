package runner_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/runner"
)

// RunOnce fires what is due and advances it; Run loops until its context
// ends. With a Store (every adapter), fires are claimed with leases and
// recorded in the fire ledger, so several Runners can share a database.
func ExampleRunner_RunOnce() {
	ctx := context.Background()
	b, err := adapter.Open(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	t := schedstore.NewOneTime("welcome.email", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	t.ID = "w1"
	t.Kwargs = map[string]any{"to": "ann"}
	if err := b.Create(ctx, t); err != nil {
		log.Fatal(err)
	}
	r := runner.Runner{
		Backend: b,
		Owner:   "example",
		Fire: func(ctx context.Context, f runner.Fire) error {
			f.FiredAt = time.Time{} // keep the output stable
			return runner.JSONLines(os.Stdout)(ctx, f)
		},
	}
	if err := r.RunOnce(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {"id":"w1","task_name":"welcome.email","args":[],"kwargs":{"to":"ann"},"scheduled_for":"2020-01-01T00:00:00Z","fired_at":"0001-01-01T00:00:00Z"}
}
