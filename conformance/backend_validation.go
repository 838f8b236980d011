package conformance

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
)

// badInput is one invalid task: edit makes a valid task invalid in field.
type badInput struct {
	name  string
	field string
	edit  func(*schedstore.Task)
	// on limits the case to "create" or "update" where the field only
	// matters to one of them; empty means both.
	on string
}

func setID(id string) func(*schedstore.Task)  { return func(t *schedstore.Task) { t.ID = id } }
func setName(n string) func(*schedstore.Task) { return func(t *schedstore.Task) { t.TaskName = n } }
func setDesc(d string) func(*schedstore.Task) { return func(t *schedstore.Task) { t.Description = d } }
func setArgs(a ...any) func(*schedstore.Task) { return func(t *schedstore.Task) { t.Args = a } }
func setKwargs(k string, v any) func(*schedstore.Task) {
	return func(t *schedstore.Task) { t.Kwargs = map[string]any{k: v} }
}
func setSchedule(typ schedstore.ScheduleType, expr string) func(*schedstore.Task) {
	return func(t *schedstore.Task) { t.ScheduleType, t.Schedule = typ, expr }
}

func badInputs() []badInput {
	var (
		cron     = schedstore.ScheduleCron
		interval = schedstore.ScheduleInterval
		oneTime  = schedstore.ScheduleOneTime
		tooLong  = strings.Repeat("n", schedstore.MaxNameBytes+1)
		hugeJSON = strings.Repeat("x", schedstore.MaxJSONBytes)
		year999  = time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC)
		year1e4  = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	)
	cases := []badInput{
		{name: "id_too_long", field: "ID", edit: setID(tooLong)},
		{name: "id_invalid_utf8", field: "ID", edit: setID("id-\xff")},
		{name: "id_nul", field: "ID", edit: setID("id\x00")},
		{name: "id_empty_on_update", field: "ID", edit: setID(""), on: "update"},
		{name: "task_name_empty", field: "TaskName", edit: setName("")},
		{name: "task_name_too_long", field: "TaskName", edit: setName(tooLong)},
		{name: "task_name_invalid_utf8", field: "TaskName", edit: setName("send\xc3\x28")},
		{name: "task_name_nul", field: "TaskName", edit: setName("send\x00mail")},
		{name: "schedule_type_unknown", field: "ScheduleType", edit: setSchedule("weekly", "300")},
		{name: "schedule_type_empty", field: "ScheduleType", edit: setSchedule("", "300")},
		{name: "schedule_empty", field: "Schedule", edit: setSchedule(interval, "")},
		{name: "schedule_too_long", field: "Schedule", edit: setSchedule(cron, strings.Repeat("*", schedstore.MaxScheduleBytes+1))},
		{name: "schedule_invalid_utf8", field: "Schedule", edit: setSchedule(interval, "5m\xff")},
		{name: "schedule_nul", field: "Schedule", edit: setSchedule(interval, "5m\x00")},
		{name: "description_invalid_utf8", field: "Description", edit: setDesc("caf\xe9")},
		{name: "description_nul", field: "Description", edit: setDesc("a\x00b")},
		{name: "description_too_long", field: "Description", edit: setDesc(strings.Repeat("d", schedstore.MaxDescriptionBytes+1))},
		{name: "max_retries_negative", field: "MaxRetries", edit: func(t *schedstore.Task) { t.MaxRetries = -1 }},
		{name: "retry_delay_negative", field: "RetryDelay", edit: func(t *schedstore.Task) { t.RetryDelay = -time.Second }},
		{name: "next_run_at_before_year_1000", field: "NextRunAt", edit: func(t *schedstore.Task) { t.NextRunAt = at(year999) }},
		{name: "last_run_at_after_year_9999", field: "LastRunAt", edit: func(t *schedstore.Task) { t.LastRunAt = at(year1e4) }},
		// Update ignores CreatedAt, so only Create judges it.
		{name: "created_at_before_year_1000", field: "CreatedAt", edit: func(t *schedstore.Task) { t.CreatedAt = year999 }, on: "create"},
		{name: "args_channel", field: "Args", edit: setArgs(make(chan int))},
		{name: "args_func", field: "Args", edit: setArgs(func() {})},
		{name: "args_inf", field: "Args", edit: setArgs(math.Inf(1))},
		{name: "args_nan", field: "Args", edit: setArgs(1, math.NaN())},
		{name: "args_broken_raw_json", field: "Args", edit: setArgs(json.RawMessage(`{"a":`))},
		{name: "args_over_1MiB", field: "Args", edit: setArgs(hugeJSON)},
		{name: "args_invalid_utf8", field: "Args", edit: setArgs("ok", "bad\xff")},
		{name: "args_nul", field: "Args", edit: setArgs("a\x00")},
		{name: "args_nested_invalid_utf8", field: "Args", edit: setArgs(map[string]any{"k": []any{"\xfe"}})},
		{name: "args_nested_key_nul", field: "Args", edit: setArgs(map[string]any{"a\x00": 1})},
		{name: "args_escaped_nul", field: "Args", edit: setArgs(json.RawMessage(`"a\u0000b"`))},
		{name: "kwargs_channel", field: "Kwargs", edit: setKwargs("c", make(chan int))},
		{name: "kwargs_inf", field: "Kwargs", edit: setKwargs("x", math.Inf(-1))},
		{name: "kwargs_over_1MiB", field: "Kwargs", edit: setKwargs("k", hugeJSON)},
		{name: "kwargs_key_invalid_utf8", field: "Kwargs", edit: setKwargs("\xff", 1)},
		{name: "kwargs_key_nul", field: "Kwargs", edit: setKwargs("\x00", 1)},
		{name: "kwargs_value_invalid_utf8", field: "Kwargs", edit: setKwargs("k", "\xc0\xaf")},
		{name: "kwargs_value_nul", field: "Kwargs", edit: setKwargs("k", []any{"a\x00"})},
	}
	// Named, not spelled out: "*" and "?" in a subtest name make -run hard.
	crons := map[string]string{
		"words": "not a cron", "minute_61": "61 * * * *", "3_fields": "* * *",
		"8_fields": "* * * * * * * *", "unknown_descriptor": "@fortnightly", "hour_31": "0 0 31 2 ? 1",
	}
	for _, name := range slices.Sorted(maps.Keys(crons)) {
		cases = append(cases, badInput{name: "cron_" + name, field: "Schedule", edit: setSchedule(cron, crons[name])})
	}
	for _, expr := range []string{"0", "-5", "abc", "5 parsecs", "0s", "-5m", "NaN", "Inf", "1e400"} {
		cases = append(cases, badInput{name: "interval " + expr, field: "Schedule", edit: setSchedule(interval, expr)})
	}
	for _, expr := range []string{"tomorrow", "2030-01-02", "2030-01-02 03:04:05", "2030-01-02T03:04:05", "2030-13-01T00:00:00Z", "1700000000"} {
		cases = append(cases, badInput{name: "one_time " + expr, field: "Schedule", edit: setSchedule(oneTime, expr)})
	}
	return cases
}

func testValidation(t *testing.T, s *suite) {
	for _, c := range badInputs() {
		s.leaf(t, c.name, func(t *testing.T, b schedstore.Store) {
			if c.on != "update" {
				in := taskWith("bad-create", c.edit)
				wantField(t, "Create", b.Create(t.Context(), in), c.field)
				wantEmpty(t, "after the rejected Create", b)
			}
			if c.on != "create" {
				stored := mustCreate(t, b, sampleTask("bad-update"))
				in := taskWith("bad-update", func(t *schedstore.Task) {
					// A partial write would show as this name.
					t.TaskName = "changed"
					c.edit(t)
				})
				wantField(t, "Update", b.Update(t.Context(), in), c.field)
				diff(t, "ListAll after the rejected Update", []*schedstore.Task{stored}, mustListAll(t, b))
			}
		})
	}

	s.leaf(t, "accepted_schedules", func(t *testing.T, b schedstore.Store) {
		for i, sc := range []struct {
			typ  schedstore.ScheduleType
			expr string
		}{
			{schedstore.ScheduleInterval, "300"},
			{schedstore.ScheduleInterval, "2.5"},
			{schedstore.ScheduleInterval, "5m"},
			{schedstore.ScheduleInterval, "1h30m"},
			{schedstore.ScheduleCron, "*/5 * * * *"},
			{schedstore.ScheduleCron, "30 0 9 * * MON-FRI"},
			{schedstore.ScheduleCron, "@daily"},
			{schedstore.ScheduleCron, "CRON_TZ=UTC 0 9 * * *"},
			{schedstore.ScheduleOneTime, "2030-01-02T03:04:05Z"},
			{schedstore.ScheduleOneTime, "2030-01-02T03:04:05.123456+05:30"},
		} {
			id := string(rune('a' + i))
			in := taskWith(id, setSchedule(sc.typ, sc.expr))
			if err := b.Create(t.Context(), in); err != nil {
				t.Errorf("Create with %s schedule %q: %v", sc.typ, sc.expr, err)
				continue
			}
			diff(t, "Get of "+string(sc.typ)+" schedule "+sc.expr, normalize(t, in), mustGet(t, b, id))
			up := taskWith(id, setSchedule(sc.typ, sc.expr))
			if err := b.Update(t.Context(), up); err != nil {
				t.Errorf("Update with %s schedule %q: %v", sc.typ, sc.expr, err)
			}
		}
	})

	s.leaf(t, "accepted_limits", func(t *testing.T, b schedstore.Store) {
		in := taskWith(strings.Repeat("i", schedstore.MaxNameBytes), func(t *schedstore.Task) {
			t.TaskName = strings.Repeat("n", schedstore.MaxNameBytes)
			t.Description = strings.Repeat("d", schedstore.MaxDescriptionBytes)
			t.MaxRetries, t.RetryDelay = 0, 0
			t.Priority = math.MinInt32
			// Canonical JSON of exactly MaxJSONBytes: the brackets and
			// quotes take four.
			t.Args = []any{strings.Repeat("x", schedstore.MaxJSONBytes-4)}
		})
		created := mustCreate(t, b, in)
		diff(t, "Get of a task at every limit", created, mustGet(t, b, in.ID))
		in.Priority = math.MaxInt32
		in.MaxRetries = math.MaxInt32
		if err := b.Update(t.Context(), in); err != nil {
			t.Fatalf("Update of a task at every limit: %v", err)
		}
		want := normalize(t, in)
		want.CreatedAt = created.CreatedAt
		diff(t, "Get after Update at every limit", want, mustGet(t, b, in.ID))
	})
}
