package conformance

import (
	"encoding/json"
	"testing"

	"github.com/flowrra/schedstore"
)

// definition is the five fields FindByDefinition compares.
type definition struct {
	name     string
	typ      schedstore.ScheduleType
	schedule string
	args     []any
	kwargs   map[string]any
}

func defOf(t *schedstore.Task) definition {
	return definition{t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs}
}

func (d definition) find(t *testing.T, b schedstore.Store) (*schedstore.Task, error) {
	return b.FindByDefinition(t.Context(), d.name, d.typ, d.schedule, d.args, d.kwargs)
}

func testFind(t *testing.T, s *suite) {
	s.leaf(t, "exact_match", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b,
			sampleTask("target"),
			taskWith("other-name", func(t *schedstore.Task) { t.TaskName = "other" }),
			taskWith("other-args", func(t *schedstore.Task) { t.Args = []any{"weekly"} }))
		diff(t, "FindByDefinition", byID["target"], mustFind(t, b, sampleTask("")))
	})

	s.leaf(t, "json_semantics", func(t *testing.T, b schedstore.Store) {
		stored := taskWith("json", func(t *schedstore.Task) {
			t.Args = []any{json.RawMessage(`{"b": 2, "a": {"y": [1, 2], "x": null}}`), "s"}
			t.Kwargs = map[string]any{
				"outer": json.RawMessage(`{"z":1,"m":{"b":true,"a":false}}`),
				"k":     1,
			}
		})
		want := mustCreate(t, b, stored)
		query := defOf(stored)
		query.args = []any{json.RawMessage("{ \"a\" :\n\t{ \"x\":null , \"y\":[ 1,2 ] },\"b\":2 }"), "s"}
		query.kwargs = map[string]any{
			"k":     json.Number("1"),
			"outer": map[string]any{"m": map[string]any{"a": false, "b": true}, "z": 1},
		}
		got, err := query.find(t, b)
		if err != nil {
			t.Fatalf("FindByDefinition with reordered keys and other white space: %v", err)
		}
		diff(t, "FindByDefinition with reordered keys and other white space", want, got)
	})

	s.leaf(t, "nil_equals_empty", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b,
			taskWith("nil", func(t *schedstore.Task) { t.TaskName, t.Args, t.Kwargs = "nil", nil, nil }),
			taskWith("empty", func(t *schedstore.Task) { t.TaskName, t.Args, t.Kwargs = "empty", []any{}, map[string]any{} }))
		q := defOf(sampleTask(""))
		q.name, q.args, q.kwargs = "nil", []any{}, map[string]any{}
		if got, err := q.find(t, b); err != nil {
			t.Errorf("stored nil, found with [] and {}: %v", err)
		} else {
			diff(t, "stored nil, found with [] and {}", byID["nil"], got)
		}
		q.name, q.args, q.kwargs = "empty", nil, nil
		if got, err := q.find(t, b); err != nil {
			t.Errorf("stored [] and {}, found with nil: %v", err)
		} else {
			diff(t, "stored [] and {}, found with nil", byID["empty"], got)
		}
	})

	s.leaf(t, "every_field_must_match", func(t *testing.T, b schedstore.Store) {
		mustCreate(t, b, sampleTask("target"))
		for _, c := range []struct {
			name string
			edit func(*definition)
		}{
			{"other task name", func(d *definition) { d.name = "send_reports" }},
			{"task name in other case", func(d *definition) { d.name = "Send_Report" }},
			{"task name with trailing space", func(d *definition) { d.name += " " }},
			{"other schedule type", func(d *definition) { d.typ = schedstore.ScheduleCron }},
			{"other schedule", func(d *definition) { d.schedule = "301" }},
			{"same interval, other spelling", func(d *definition) { d.schedule = "5m" }},
			{"args reordered", func(d *definition) { d.args = []any{42, "monthly", true} }},
			{"args with one more element", func(d *definition) { d.args = append(d.args, nil) }},
			{"args with a string for a number", func(d *definition) { d.args = []any{"monthly", "42", true} }},
			{"nil args", func(d *definition) { d.args = nil }},
			{"kwargs with another value", func(d *definition) {
				d.kwargs = map[string]any{"to": "dev@example.com", "retry": map[string]any{"max": 2}}
			}},
			{"kwargs with a nested difference", func(d *definition) {
				d.kwargs = map[string]any{"to": "ops@example.com", "retry": map[string]any{"max": 3}}
			}},
			{"kwargs with one key more", func(d *definition) {
				d.kwargs = map[string]any{"to": "ops@example.com", "retry": map[string]any{"max": 2}, "x": nil}
			}},
			{"nil kwargs", func(d *definition) { d.kwargs = nil }},
		} {
			d := defOf(sampleTask(""))
			c.edit(&d)
			got, err := d.find(t, b)
			if !wantIs(t, "FindByDefinition with "+c.name, err, schedstore.ErrNotFound) && got != nil {
				t.Logf("it found %q", got.ID)
			}
		}
	})

	s.leaf(t, "duplicate_definitions", func(t *testing.T, b schedstore.Store) {
		byID := mustCreateAll(t, b, sampleTask("one"), sampleTask("two"))
		got := mustFind(t, b, sampleTask(""))
		if want, ok := byID[got.ID]; !ok {
			t.Errorf("FindByDefinition returned %q, want one of the two matching tasks", got.ID)
		} else {
			diff(t, "FindByDefinition", want, got)
		}
	})

	s.leaf(t, "follows_update", func(t *testing.T, b schedstore.Store) {
		mustCreate(t, b, sampleTask("moving"))
		up := taskWith("moving", func(t *schedstore.Task) { t.Args = []any{"weekly"} })
		if err := b.Update(t.Context(), up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		_, err := defOf(sampleTask("")).find(t, b)
		wantIs(t, "FindByDefinition of the definition before Update", err, schedstore.ErrNotFound)
		diff(t, "FindByDefinition of the definition after Update", mustGet(t, b, "moving"), mustFind(t, b, up))
	})

	// Strings that look like SQL, or like LIKE patterns, are data: stored
	// verbatim and matched exactly.
	s.leaf(t, "sql_lookalikes", func(t *testing.T, b schedstore.Store) {
		evil := taskWith("id'); DROP TABLE scheduled_tasks; --", func(t *schedstore.Task) {
			t.TaskName = "'); DROP TABLE scheduled_tasks; --"
			t.Description = `\' OR 1=1 -- 100% a_b \\ "q" ` + "`x`"
			t.Args = []any{`\' OR 1=1`, `C:\path\to\file`, `\\`, `100%`, `a_b`, `"quoted"`, `\u0041`}
			t.Kwargs = map[string]any{"'; --": `\`, "%": "_", `\"`: `'`}
		})
		byID := mustCreateAll(t, b, evil,
			taskWith("plain", func(t *schedstore.Task) { t.TaskName = "abc" }),
			taskWith("percent", func(t *schedstore.Task) { t.TaskName = "a%" }))
		diff(t, "Get of the SQL look-alike", byID[evil.ID], mustGet(t, b, evil.ID))
		diff(t, "FindByDefinition of the SQL look-alike", byID[evil.ID], mustFind(t, b, evil))
		pct := defOf(sampleTask(""))
		pct.name = "a%"
		if got, err := pct.find(t, b); err != nil {
			t.Errorf("FindByDefinition of a%%: %v", err)
		} else {
			diff(t, "FindByDefinition of a%", byID["percent"], got)
		}
		// Each would match as a LIKE pattern.
		for _, name := range []string{"a_c", "ab%", "_bc", `a\%`, "%"} {
			d := defOf(sampleTask(""))
			d.name = name
			_, err := d.find(t, b)
			wantIs(t, "FindByDefinition of "+name, err, schedstore.ErrNotFound)
		}
		if got := mustListAll(t, b); len(got) != 3 {
			t.Errorf("ListAll has %d tasks, want 3", len(got))
		}
	})
}
