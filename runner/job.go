package runner

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/flowrra/schedstore"
)

// Job is one attempt at one occurrence of a task: what a Handler receives.
// Its JSON form is the line `schedstore run` prints and the standard input
// of its --exec command.
type Job struct {
	ID           string         `json:"id"`
	TaskName     string         `json:"task_name"`
	Args         []any          `json:"args"`
	Kwargs       map[string]any `json:"kwargs"`
	ScheduledFor time.Time      `json:"scheduled_for"` // the occurrence: the task's NextRunAt when claimed
	StartedAt    time.Time      `json:"started_at"`    // when this attempt started
	Attempt      int            `json:"attempt"`       // 1-based, counted across schedulers
	MaxAttempts  int            `json:"max_attempts"`  // the task's MaxRetries + 1
	// Kind is "scheduled", or "manual" (Store.Trigger) or "backfill"
	// (Store.Backfill) for an occurrence fired on request.
	Kind schedstore.FireKind `json:"kind"`
}

// jsonLine is the job as one line of JSON. HTML escaping is off: the
// consumers are programs, and "<" in an argument should stay "<".
func (j Job) jsonLine() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
