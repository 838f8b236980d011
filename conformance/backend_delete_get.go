package conformance

import (
	"testing"

	"github.com/flowrra/schedstore"
)

func testDeleteGet(t *testing.T, s *suite) {
	s.leaf(t, "get_missing", func(t *testing.T, b schedstore.Store) {
		mustCreate(t, b, sampleTask("present"))
		_, err := b.Get(t.Context(), "absent")
		wantIs(t, "Get of a missing ID", err, schedstore.ErrNotFound)
	})

	s.leaf(t, "delete_existing", func(t *testing.T, b schedstore.Store) {
		mustCreate(t, b, sampleTask("gone"))
		kept := mustCreate(t, b, sampleTask("kept"))
		deleted, err := b.Delete(t.Context(), "gone")
		if err != nil || !deleted {
			t.Fatalf("Delete of a stored task = %v, %v; want true, nil", deleted, err)
		}
		_, err = b.Get(t.Context(), "gone")
		wantIs(t, "Get after Delete", err, schedstore.ErrNotFound)
		diff(t, "ListAll after Delete", []*schedstore.Task{kept}, mustListAll(t, b))
		deleted, err = b.Delete(t.Context(), "gone")
		if err != nil || deleted {
			t.Errorf("second Delete = %v, %v; want false, nil", deleted, err)
		}
	})

	s.leaf(t, "delete_missing", func(t *testing.T, b schedstore.Store) {
		deleted, err := b.Delete(t.Context(), "never")
		if err != nil || deleted {
			t.Errorf("Delete on an empty store = %v, %v; want false, nil", deleted, err)
		}
	})

	s.leaf(t, "get_returns_stored", func(t *testing.T, b schedstore.Store) {
		a := mustCreate(t, b, sampleTask("a"))
		other := mustCreate(t, b, taskWith("b", func(t *schedstore.Task) { t.TaskName = "other" }))
		diff(t, "Get(a)", a, mustGet(t, b, "a"))
		diff(t, "Get(b)", other, mustGet(t, b, "b"))
	})
}
