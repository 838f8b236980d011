package conformance

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowrra/schedstore"
)

func testCreate(t *testing.T, s *suite) {
	s.leaf(t, "stores_every_field", func(t *testing.T, b schedstore.Store) {
		in := taskWith("create-1", func(t *schedstore.Task) {
			t.Enabled = false
			t.LastRunAt = at(base.Add(-time.Hour))
			t.CreatedAt = base.Add(-24 * time.Hour)
		})
		want := mustCreate(t, b, in)
		diff(t, "Get after Create", want, mustGet(t, b, "create-1"))
		diff(t, "ListAll after Create", []*schedstore.Task{want}, mustListAll(t, b))
	})

	s.leaf(t, "duplicate_id", func(t *testing.T, b schedstore.Store) {
		want := mustCreate(t, b, sampleTask("dup"))
		again := taskWith("dup", func(t *schedstore.Task) { t.TaskName = "other" })
		wantIs(t, "second Create with the same ID", b.Create(t.Context(), again), schedstore.ErrAlreadyExists)
		diff(t, "ListAll after the duplicate", []*schedstore.Task{want}, mustListAll(t, b))
	})

	s.leaf(t, "empty_id_gets_uuid", func(t *testing.T, b schedstore.Store) {
		first, second := sampleTask(""), sampleTask("")
		w1, w2 := mustCreate(t, b, first), mustCreate(t, b, second)
		for _, id := range []string{first.ID, second.ID} {
			if _, err := uuid.Parse(id); err != nil {
				t.Errorf("assigned ID %q is not a UUID: %v", id, err)
			}
		}
		if first.ID == second.ID {
			t.Fatalf("two Creates were assigned the same ID %q", first.ID)
		}
		diff(t, "Get of the first assigned ID", w1, mustGet(t, b, first.ID))
		diff(t, "Get of the second assigned ID", w2, mustGet(t, b, second.ID))
	})

	s.leaf(t, "zero_created_at_is_now", func(t *testing.T, b schedstore.Store) {
		in := sampleTask("now")
		before := time.Now()
		want := mustCreate(t, b, in)
		after := time.Now()
		wantNow(t, "written-back CreatedAt", in.CreatedAt, before, after)
		diff(t, "Get", want, mustGet(t, b, "now"))
	})

	s.leaf(t, "given_created_at_kept", func(t *testing.T, b schedstore.Store) {
		in := taskWith("given", func(t *schedstore.Task) {
			t.CreatedAt = time.Date(2020, 2, 29, 23, 59, 59, 999999999, kolkata)
		})
		mustCreate(t, b, in)
		stored := time.Date(2020, 2, 29, 18, 29, 59, 999999000, time.UTC)
		diff(t, "written-back CreatedAt", stored, in.CreatedAt)
		diff(t, "written-back UpdatedAt", stored, in.UpdatedAt)
		got := mustGet(t, b, "given")
		diff(t, "Get CreatedAt", stored, got.CreatedAt)
		diff(t, "Get UpdatedAt", stored, got.UpdatedAt)
	})

	// A backend that keeps references to the caller's values (the in-memory
	// kind) would let later edits of them change the stored task.
	s.leaf(t, "no_shared_references", func(t *testing.T, b schedstore.Store) {
		in := sampleTask("copy")
		want := mustCreate(t, b, in)
		in.Args[0] = "changed"
		in.Kwargs["to"] = "changed"
		*in.NextRunAt = past
		got := mustGet(t, b, "copy")
		diff(t, "Get after editing the created task", want, got)
		got.Args[0] = "changed"
		got.Kwargs["to"] = "changed"
		*got.NextRunAt = past
		diff(t, "Get after editing a read task", want, mustGet(t, b, "copy"))
	})
}
