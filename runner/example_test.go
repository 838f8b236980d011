package runner_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/runner"
)

// A service registers one handler per task name and runs the engine; here
// RunOnce fires what is due and returns once it is recorded (Run loops
// until its context ends).
func ExampleMux() {
	ctx := context.Background()
	store, err := adapter.Open(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	t := schedstore.NewOneTime("welcome.email", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	t.ID = "w1"
	t.Kwargs = map[string]any{"to": "ann"}
	if err := store.Create(ctx, t); err != nil {
		log.Fatal(err)
	}

	mux := runner.NewMux()
	mux.HandleFunc("welcome.email", func(ctx context.Context, job runner.Job) error {
		fmt.Println("send to", job.Kwargs["to"], "attempt", job.Attempt, "of", job.MaxAttempts)
		return nil
	})
	r := &runner.Runner{Store: store, Handler: mux, Owner: "example"}
	if err := r.RunOnce(ctx); err != nil {
		log.Fatal(err)
	}

	fires, err := store.ListFires(ctx, "w1", 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(fires[0].Status, fires[0].Attempts, fires[0].Owner)
	// Output:
	// send to ann attempt 1 of 4
	// succeeded 1 example
}

// An occurrence whose task has no handler is recorded failed, naming it.
func ExampleMux_noHandler() {
	ctx := context.Background()
	store, err := adapter.Open(ctx, "sqlite://:memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	t := schedstore.NewOneTime("nobody.knows", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	t.ID = "n1"
	if err := store.Create(ctx, t); err != nil {
		log.Fatal(err)
	}
	r := &runner.Runner{Store: store, Handler: runner.NewMux()}
	if err := r.RunOnce(ctx); err != nil {
		log.Fatal(err)
	}
	fires, _ := store.ListFires(ctx, "n1", 0)
	fmt.Println(fires[0].Status, fires[0].Attempts, fires[0].Error)
	// Output: failed 1 runner: no handler for task "nobody.knows"
}
