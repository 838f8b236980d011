package bench

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/schedule"
)

// BenchmarkGoSide measures, without a database, the Go work schedstore
// does per call beyond what the baselines do: it explains the ratios of
// BenchmarkOps. ratio.sh does not run it (BENCH_FILTER=GoSide does).
//
//	Validate        Task.Validate: field checks and parsing the schedule
//	ScheduleParse   schedule.Parse alone
//	NewDefinition   canonical Args and Kwargs, and the SHA-256 fingerprint
//	ForCreate       Create's Go side: Validate, NewDefinition, UUIDv7, times
//	ForUpdate       Update's Go side
//	RowTask         decoding one stored row (Args, Kwargs JSON) into a Task
//	StdUnmarshal    json.Unmarshal of one row's Args and Kwargs: what a
//	                hand-written layer that decodes them would spend
//	UUIDv7          what the Create baseline spends on its ID
func BenchmarkGoSide(b *testing.B) {
	task := newTask(seedID(1), seedName(1), 1, dueAt.Add(time.Hour))
	now := time.Now()
	b.Run("op=Validate", func(b *testing.B) {
		for b.Loop() {
			if err := task.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=ScheduleParse", func(b *testing.B) {
		for b.Loop() {
			if _, err := schedule.Parse(string(task.ScheduleType), task.Schedule); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=NewDefinition", func(b *testing.B) {
		for b.Loop() {
			if _, err := taskrow.NewDefinition(task.TaskName, task.ScheduleType, task.Schedule, task.Args, task.Kwargs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=ForCreate", func(b *testing.B) {
		t := *task
		t.ID = ""
		for b.Loop() {
			if _, err := taskrow.ForCreate(&t, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=ForUpdate", func(b *testing.B) {
		for b.Loop() {
			if _, err := taskrow.ForUpdate(task, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=RowTask", func(b *testing.B) {
		r, err := taskrow.ForCreate(task, now)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := r.Task(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=StdUnmarshal", func(b *testing.B) {
		for b.Loop() {
			var args []any
			var kwargs map[string]any
			if err := json.Unmarshal([]byte(seedArgs), &args); err != nil {
				b.Fatal(err)
			}
			if err := json.Unmarshal([]byte(seedKwargs), &kwargs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=UUIDv7", func(b *testing.B) {
		for b.Loop() {
			_ = uuid.Must(uuid.NewV7()).String()
		}
	})
}
