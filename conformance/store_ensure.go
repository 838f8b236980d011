package conformance

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// respelled is sampleTask's definition in another spelling (keys shuffled,
// numbers and white space changed) with every other field different: what
// Ensure must recognize as the same definition.
func respelled(id string) *schedstore.Task {
	return &schedstore.Task{
		ID:           id,
		TaskName:     "send_report",
		ScheduleType: schedstore.ScheduleInterval,
		Schedule:     "300",
		Args:         []any{json.RawMessage(` "monthly" `), json.Number("42"), true},
		Kwargs: map[string]any{
			"retry": json.RawMessage(`{ "max" : 2 }`),
			"to":    "ops@example.com",
		},
		Description: "a second instance's copy",
		Priority:    7,
	}
}

func mustEnsure(t testing.TB, st schedstore.Store, in *schedstore.Task, wantCreated bool) *schedstore.Task {
	t.Helper()
	got, created, err := st.Ensure(t.Context(), in)
	if err != nil {
		t.Fatalf("Ensure(%q %q): %v", in.ID, in.TaskName, err)
	}
	if created != wantCreated {
		t.Errorf("Ensure(%q %q) created = %v, want %v", in.ID, in.TaskName, created, wantCreated)
	}
	if got == nil {
		t.Fatalf("Ensure(%q %q) returned a nil task", in.ID, in.TaskName)
	}
	return got
}

func testEnsure(t *testing.T, s *suite) {
	s.storeLeaf(t, "creates_when_absent", func(t *testing.T, st schedstore.Store) {
		before := time.Now()
		got := mustEnsure(t, st, sampleTask(""), true)
		after := time.Now()
		if got.ID == "" {
			t.Fatal("Ensure created a task with an empty ID")
		}
		wantNow(t, "CreatedAt of the ensured task", got.CreatedAt, before, after)
		want := normalize(t, sampleTask(got.ID))
		want.CreatedAt, want.UpdatedAt, want.Version = got.CreatedAt, got.CreatedAt, 1
		diff(t, "Ensure's task", want, got)
		diff(t, "Get of the ensured task", got, mustGet(t, st, got.ID))

		named := taskWith("named", func(t *schedstore.Task) { t.TaskName, t.CreatedAt = "other", base })
		want = normalize(t, named)
		want.UpdatedAt, want.Version = want.CreatedAt, 1
		diff(t, "Ensure with an ID and a CreatedAt", want, mustEnsure(t, st, named, true))
	})

	s.storeLeaf(t, "returns_existing", func(t *testing.T, st schedstore.Store) {
		first := mustEnsure(t, st, sampleTask(""), true)
		// Another ID, other fields, the definition respelled: found, and
		// left as it was.
		diff(t, "Ensure of an existing definition", first, mustEnsure(t, st, respelled("another-id"), false))
		diff(t, "ListAll after the second Ensure", []*schedstore.Task{first}, mustListAll(t, st))
	})

	s.storeLeaf(t, "finds_plain_create", func(t *testing.T, st schedstore.Store) {
		plain := mustCreate(t, st, sampleTask("plain"))
		diff(t, "Ensure of a definition made by Create", plain, mustEnsure(t, st, respelled(""), false))
		diff(t, "ListAll after Ensure", []*schedstore.Task{plain}, mustListAll(t, st))
	})

	s.storeLeaf(t, "invalid_input", func(t *testing.T, st schedstore.Store) {
		_, _, err := st.Ensure(t.Context(), nil)
		wantField(t, "Ensure(nil)", err, "Task")
		for _, c := range badInputs() {
			if c.on == "update" {
				continue
			}
			got, created, err := st.Ensure(t.Context(), taskWith("bad", c.edit))
			wantField(t, "Ensure, "+c.name, err, c.field)
			if got != nil || created {
				t.Errorf("Ensure, %s: returned %+v, created %v beside the error", c.name, got, created)
			}
		}
		wantEmpty(t, "after the rejected Ensure calls", st)
	})

	s.storeLeaf(t, "id_taken_by_another_definition", func(t *testing.T, st schedstore.Store) {
		taken := mustCreate(t, st, sampleTask("taken"))
		_, created, err := st.Ensure(t.Context(), taskWith("taken", setName("another_task")))
		wantIs(t, "Ensure with a taken ID", err, schedstore.ErrAlreadyExists)
		if created {
			t.Error("Ensure with a taken ID reported created")
		}
		diff(t, "ListAll after Ensure with a taken ID", []*schedstore.Task{taken}, mustListAll(t, st))
	})

	// Ensure's key belongs to a definition, not to a row: an Update that
	// changes the definition frees it.
	s.storeLeaf(t, "follows_update_of_definition", func(t *testing.T, st schedstore.Store) {
		ensured := mustEnsure(t, st, sampleTask(""), true)
		kept := taskWith(ensured.ID, setDesc("same definition, new description"))
		if err := st.Update(t.Context(), kept); err != nil {
			t.Fatalf("Update keeping the definition: %v", err)
		}
		if got := mustEnsure(t, st, sampleTask(""), false); got.ID != ensured.ID {
			t.Errorf("Ensure after an Update that kept the definition returned %q, want %q", got.ID, ensured.ID)
		}
		moved := taskWith(ensured.ID, setName("renamed"))
		if err := st.Update(t.Context(), moved); err != nil {
			t.Fatalf("Update changing the definition: %v", err)
		}
		again := mustEnsure(t, st, sampleTask(""), true)
		if again.ID == ensured.ID {
			t.Errorf("Ensure of the old definition returned the row that no longer has it")
		}
		if got := mustEnsure(t, st, moved, false); got.ID != ensured.ID {
			t.Errorf("Ensure of the new definition returned %q, want the updated row %q", got.ID, ensured.ID)
		}
		if n := len(mustListAll(t, st)); n != 2 {
			t.Errorf("ListAll has %d tasks, want 2", n)
		}
	})
}
