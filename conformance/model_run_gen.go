package conformance

import (
	"encoding/json"
	"math"
	"time"

	"github.com/flowrra/schedstore"
)

// The randomized test draws from small pools so that calls collide: IDs
// repeat (duplicates, updates and deletes of stored rows), and few distinct
// times and priorities make ordering ties, which the ID must break.
var (
	randIDs   = append([]string{"😀", "x"}, byteOrderIDs...)
	randNames = []string{"send_email", "Send_Email", "cleanup"}
	// randSchedules includes two spellings of one interval: they are
	// different definitions.
	randSchedules = []struct {
		typ  schedstore.ScheduleType
		expr string
	}{
		{schedstore.ScheduleInterval, "300"},
		{schedstore.ScheduleInterval, "5m"},
		{schedstore.ScheduleInterval, "2.5"},
		{schedstore.ScheduleCron, "*/5 * * * *"},
		{schedstore.ScheduleCron, "@daily"},
		{schedstore.ScheduleOneTime, "2031-03-14T15:09:26Z"},
	}
	// randArgs and randKwargs are lists of shapes, each a list of
	// spellings with equal JSON values.
	randArgs = [][][]any{
		{nil, {}},
		{{1, "x"}, {json.Number("1"), json.RawMessage(` "x" `)}},
		{{map[string]any{"b": 2, "a": []any{true, nil}}}, {json.RawMessage(`{"a":[true,null], "b":2}`)}},
		{{json.Number("9007199254740993")}, {uint64(9007199254740993)}},
	}
	randKwargs = [][]map[string]any{
		{nil, {}},
		{{"a": 1, "b": map[string]any{"c": true}}, {"b": json.RawMessage(`{ "c" : true }`), "a": json.Number("1")}},
		{{"k": "v", "ü": []any{"😀"}}},
	}
	randCreated = []time.Time{past, base.Add(-time.Hour), base, base.Add(time.Microsecond)}
	// randRunTimes straddle the present: past is due for ListDue with a
	// zero now, the rest are not.
	randRunTimes = []time.Time{past, past.Add(time.Microsecond), base.Add(-2 * time.Hour), base, base.Add(time.Microsecond), base.Add(time.Hour)}
	randZones    = []*time.Location{time.UTC, kolkata, stJohns}
	// randDelays are valid: a delay in part microseconds is a corruption,
	// drawn as rarely as the others.
	randDelays = []time.Duration{0, time.Second, 1500 * time.Microsecond}
	randPrios  = []int{-1, 0, 0, 5}
	randDescs  = []string{"", "d", "ünï 😀"}
)

// defKey names a definition by its pool indexes, so a query can respell it.
type defKey struct{ name, schedule, args, kwargs int }

// corruptions each make a task invalid in one field.
var corruptions = []struct {
	field string
	edit  func(*schedstore.Task)
}{
	{"ID", setID("bad\xff")},
	{"TaskName", setName("")},
	{"ScheduleType", setSchedule("weekly", "300")},
	{"Schedule", setSchedule(schedstore.ScheduleInterval, "0")},
	{"Schedule", setSchedule(schedstore.ScheduleCron, "61 * * * *")},
	{"Description", setDesc("\xff")},
	{"MaxRetries", func(t *schedstore.Task) { t.MaxRetries = -1 }},
	{"RetryDelay", func(t *schedstore.Task) { t.RetryDelay = 1500 * time.Nanosecond }},
	{"Args", setArgs(math.NaN())},
	{"Kwargs", setKwargs("\x00", 1)},
}

func pickOne[T any](r *modelRun, xs []T) T { return xs[r.rng.IntN(len(xs))] }

// jitter moves at within its microsecond and into a random zone: the
// same stored instant, spelled differently.
func (r *modelRun) jitter(at time.Time) time.Time {
	return at.Add(time.Duration(r.rng.IntN(1000))).In(pickOne(r, randZones))
}

func (r *modelRun) maybeTime(pool []time.Time) *time.Time {
	if r.rng.IntN(4) == 0 {
		return nil
	}
	t := r.jitter(pickOne(r, pool))
	return &t
}

// spell returns the definition k in a random spelling.
func (r *modelRun) spell(k defKey) (string, schedstore.ScheduleType, string, []any, map[string]any) {
	sc := randSchedules[k.schedule]
	return randNames[k.name], sc.typ, sc.expr, pickOne(r, randArgs[k.args]), pickOne(r, randKwargs[k.kwargs])
}

func (r *modelRun) randomDef() defKey {
	return defKey{
		r.rng.IntN(len(randNames)), r.rng.IntN(len(randSchedules)),
		r.rng.IntN(len(randArgs)), r.rng.IntN(len(randKwargs)),
	}
}

// randomTask returns a valid task with ID id and its definition.
func (r *modelRun) randomTask(id string) (*schedstore.Task, defKey) {
	k := r.randomDef()
	t := &schedstore.Task{
		ID:          id,
		Enabled:     r.rng.IntN(4) != 0,
		LastRunAt:   r.maybeTime(randRunTimes),
		NextRunAt:   r.maybeTime(randRunTimes),
		Description: pickOne(r, randDescs),
		MaxRetries:  r.rng.IntN(2) * 3,
		RetryDelay:  pickOne(r, randDelays),
		Priority:    pickOne(r, randPrios),
		// Policies, zero values (the defaults) included.
		Misfire:      pickOne(r, []schedstore.MisfirePolicy{"", schedstore.MisfireOnce, schedstore.MisfireSkip, schedstore.MisfireAll}),
		MaxCatchUp:   pickOne(r, []int{0, 1, 10, 500}),
		MisfireGrace: pickOne(r, []time.Duration{0, time.Microsecond, 90 * time.Second}),
		Overlap:      pickOne(r, []schedstore.OverlapPolicy{"", schedstore.OverlapSkip, schedstore.OverlapBufferOne}),
		Jitter:       pickOne(r, []time.Duration{0, time.Second, schedstore.MaxJitter}),
	}
	t.TaskName, t.ScheduleType, t.Schedule, t.Args, t.Kwargs = r.spell(k)
	if r.rng.IntN(4) != 0 {
		t.CreatedAt = r.jitter(pickOne(r, randCreated))
	}
	return t, k
}

// maybeCorrupt makes t invalid one time in twelve and returns the field.
func (r *modelRun) maybeCorrupt(t *schedstore.Task) string {
	if r.rng.IntN(12) != 0 {
		return ""
	}
	c := pickOne(r, corruptions)
	c.edit(t)
	return c.field
}

// pickID prefers the pool but also asks for IDs the backend assigned.
func (r *modelRun) pickID() string {
	if len(r.assigned) > 0 && r.rng.IntN(6) == 0 {
		return pickOne(r, r.assigned)
	}
	return pickOne(r, randIDs)
}

func (r *modelRun) dueNow() time.Time {
	switch r.rng.IntN(6) {
	case 0:
		return time.Time{}
	case 1:
		// Just before a stored instant: excludes it.
		return pickOne(r, randRunTimes).Add(-time.Nanosecond)
	}
	return r.jitter(pickOne(r, randRunTimes))
}
