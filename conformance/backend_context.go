package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// promptly bounds how long a call with a done context may take. It is
// generous for a loaded CI machine, yet far below the test timeout, so a
// backend that ignores the context fails here instead of hanging the run.
const promptly = 10 * time.Second

func testContext(t *testing.T, s *suite) {
	s.leaf(t, "cancelled", func(t *testing.T, b schedstore.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		everyMethodFails(t, b, ctx, context.Canceled)
	})

	s.leaf(t, "deadline_exceeded", func(t *testing.T, b schedstore.Store) {
		ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		defer cancel()
		everyMethodFails(t, b, ctx, context.DeadlineExceeded)
	})
}

// everyMethodFails calls every method with the done ctx and wants each to
// return want promptly, having changed nothing.
func everyMethodFails(t *testing.T, b schedstore.Store, ctx context.Context, want error) {
	t.Helper()
	mustCreate(t, b, sampleTask("stored"))
	before := mustListAll(t, b)
	for _, m := range everyMethod("stored") {
		done := make(chan error, 1)
		go func() { done <- m.call(ctx, b) }()
		select {
		case err := <-done:
			wantIs(t, m.name+" with a done context", err, want)
		case <-time.After(promptly):
			t.Errorf("%s with a done context did not return within %v", m.name, promptly)
		}
	}
	diff(t, "ListAll after the calls with a done context", before, mustListAll(t, b))
}
