package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// storeCall is one call of a Store method with valid arguments; c is a
// live claim of the stored task.
type storeCall struct {
	name string
	call func(ctx context.Context, st schedstore.Store, c schedstore.Claim) error
}

// storeMethods lists one valid call of every method Store adds to
// Backend (everyMethod has the others), so the close and context tests
// cannot forget one. Each would change something if it ran.
func storeMethods() []storeCall {
	return []storeCall{
		{"ClaimDue", func(ctx context.Context, st schedstore.Store, _ schedstore.Claim) error {
			_, err := st.ClaimDue(ctx, "another-worker", base.Add(time.Hour), testLease, 10)
			return err
		}},
		{"CompleteClaim", func(ctx context.Context, st schedstore.Store, c schedstore.Claim) error {
			return st.CompleteClaim(ctx, c, at(base.Add(time.Hour)))
		}},
		{"ReleaseClaim", func(ctx context.Context, st schedstore.Store, c schedstore.Claim) error {
			return st.ReleaseClaim(ctx, c)
		}},
		{"ReturnClaim", func(ctx context.Context, st schedstore.Store, c schedstore.Claim) error {
			return st.ReturnClaim(ctx, c)
		}},
		{"Ensure", func(ctx context.Context, st schedstore.Store, _ schedstore.Claim) error {
			_, _, err := st.Ensure(ctx, taskWith("", setName("ensured")))
			return err
		}},
		{"ListFires", func(ctx context.Context, st schedstore.Store, c schedstore.Claim) error {
			_, err := st.ListFires(ctx, c.Task.ID, 0)
			return err
		}},
		{"PruneFires", func(ctx context.Context, st schedstore.Store, _ schedstore.Claim) error {
			_, err := st.PruneFires(ctx, farFuture)
			return err
		}},
		{"NextDue", func(ctx context.Context, st schedstore.Store, _ schedstore.Claim) error {
			_, _, err := st.NextDue(ctx)
			return err
		}},
		{"ListPage", func(ctx context.Context, st schedstore.Store, _ schedstore.Claim) error {
			_, _, err := st.ListPage(ctx, schedstore.Cursor{}, 10)
			return err
		}},
		{"ListAllSeq", func(ctx context.Context, st schedstore.Store, _ schedstore.Claim) error {
			for _, err := range st.ListAllSeq(ctx, schedstore.Cursor{}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	}
}

// claimedStore stores a task with a fire in the ledger and a live claim.
func claimedStore(t *testing.T, st schedstore.Store) schedstore.Claim {
	t.Helper()
	mustCreate(t, st, dueTask("stored", 0, at(base)))
	fire(t, st, "stored", base, at(base.Add(time.Minute)))
	return mustClaimOne(t, st, "worker", base.Add(time.Minute), "stored")
}

func testStoreLifecycle(t *testing.T, s *suite) {
	s.storeLeaf(t, "every_method_after_close", func(t *testing.T, st schedstore.Store) {
		c := claimedStore(t, st)
		if err := st.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for _, m := range storeMethods() {
			wantIs(t, m.name+" after Close", m.call(t.Context(), st, c), schedstore.ErrClosed)
		}
	})

	s.storeLeaf(t, "cancelled", func(t *testing.T, st schedstore.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		storeMethodsFail(t, st, ctx, context.Canceled)
	})

	s.storeLeaf(t, "deadline_exceeded", func(t *testing.T, st schedstore.Store) {
		ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		defer cancel()
		storeMethodsFail(t, st, ctx, context.DeadlineExceeded)
	})
}

// storeMethodsFail calls every Store method with the done ctx and wants
// each to return want promptly, having changed nothing: no task, lease or
// fire.
func storeMethodsFail(t *testing.T, st schedstore.Store, ctx context.Context, want error) {
	t.Helper()
	c := claimedStore(t, st)
	before, fires := mustListAll(t, st), mustFires(t, st, "stored", 0)
	for _, m := range storeMethods() {
		done := make(chan error, 1)
		go func() { done <- m.call(ctx, st, c) }()
		select {
		case err := <-done:
			wantIs(t, m.name+" with a done context", err, want)
		case <-time.After(promptly):
			t.Errorf("%s with a done context did not return within %v", m.name, promptly)
		}
	}
	diff(t, "ListAll after the calls with a done context", before, mustListAll(t, st))
	diff(t, "ListFires after the calls with a done context", fires, mustFires(t, st, "stored", 0))
	// The claim is still the live one: neither completed nor released.
	wantNoClaim(t, st, "ClaimDue after the calls with a done context", "another-worker", base.Add(time.Minute))
	mustComplete(t, st, c, nil)
}
