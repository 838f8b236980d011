package runner

import (
	"context"
	"time"
)

// Fire is one occurrence of a task, as handed to Runner.Fire. Its JSON form
// is the line `schedstore run` prints and the input of its --exec command.
type Fire struct {
	ID           string         `json:"id"`
	TaskName     string         `json:"task_name"`
	Args         []any          `json:"args"`
	Kwargs       map[string]any `json:"kwargs"`
	ScheduledFor time.Time      `json:"scheduled_for"` // the task's NextRunAt when it was found due
	FiredAt      time.Time      `json:"fired_at"`
}

// FireFunc delivers one occurrence. The context is not cancelled when the
// loop is asked to stop: a fire that has started is allowed to finish.
type FireFunc func(ctx context.Context, f Fire) error
