package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

func testClear(t *testing.T, s *suite) {
	s.leaf(t, "counts_and_empties", func(t *testing.T, b schedstore.Store) {
		mustCreateAll(t, b, sampleTask("a"), sampleTask("b"),
			taskWith("c", func(t *schedstore.Task) { t.Enabled = false }))
		n, err := b.Clear(t.Context())
		if err != nil || n != 3 {
			t.Fatalf("Clear = %d, %v; want 3, nil", n, err)
		}
		wantEmpty(t, "after Clear", b)
		_, err = b.Get(t.Context(), "a")
		wantIs(t, "Get after Clear", err, schedstore.ErrNotFound)
		if n, err := b.Clear(t.Context()); err != nil || n != 0 {
			t.Errorf("second Clear = %d, %v; want 0, nil", n, err)
		}
		want := mustCreate(t, b, sampleTask("a"))
		diff(t, "ListAll after creating a cleared ID again", []*schedstore.Task{want}, mustListAll(t, b))
	})

	s.leaf(t, "empty_store", func(t *testing.T, b schedstore.Store) {
		if n, err := b.Clear(t.Context()); err != nil || n != 0 {
			t.Errorf("Clear on an empty store = %d, %v; want 0, nil", n, err)
		}
	})
}
