package main

import (
	"encoding/json"
	"io"
	"time"

	"github.com/flowrra/schedstore"
)

// taskView is a task's --json form: every field, named as in the Flowrra
// reference's ScheduledTask.to_dict (retry_delay in seconds, a missing
// description as null), so tools written for one read the other.
type taskView struct {
	ID           string         `json:"id"`
	TaskName     string         `json:"task_name"`
	ScheduleType string         `json:"schedule_type"`
	Schedule     string         `json:"schedule"`
	Args         []any          `json:"args"`
	Kwargs       map[string]any `json:"kwargs"`
	Enabled      bool           `json:"enabled"`
	LastRunAt    *time.Time     `json:"last_run_at"`
	NextRunAt    *time.Time     `json:"next_run_at"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	Description  *string        `json:"description"`
	MaxRetries   int            `json:"max_retries"`
	RetryDelay   float64        `json:"retry_delay"`
	Priority     int            `json:"priority"`
	// Policies; durations as Go duration strings ("0s": none).
	Misfire      string `json:"misfire"`
	MaxCatchUp   int    `json:"max_catch_up"`
	MisfireGrace string `json:"misfire_grace"`
	Overlap      string `json:"overlap"`
	Jitter       string `json:"jitter"`
	// The pause (schedstore pause and resume).
	Paused      bool       `json:"paused"`
	PauseReason string     `json:"pause_reason"`
	PausedAt    *time.Time `json:"paused_at"`
}

func viewOf(t *schedstore.Task) taskView {
	v := taskView{
		ID: t.ID, TaskName: t.TaskName, ScheduleType: string(t.ScheduleType), Schedule: t.Schedule,
		Args: t.Args, Kwargs: t.Kwargs, Enabled: t.Enabled,
		LastRunAt: utcPtr(t.LastRunAt), NextRunAt: utcPtr(t.NextRunAt),
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(),
		MaxRetries: t.MaxRetries, RetryDelay: t.RetryDelay.Seconds(), Priority: t.Priority,
		Misfire: string(t.Misfire), MaxCatchUp: t.MaxCatchUp, MisfireGrace: t.MisfireGrace.String(),
		Overlap: string(t.Overlap), Jitter: t.Jitter.String(),
		Paused: t.PausedAt != nil, PauseReason: t.PauseReason, PausedAt: utcPtr(t.PausedAt),
	}
	if v.Args == nil {
		v.Args = []any{}
	}
	if v.Kwargs == nil {
		v.Kwargs = map[string]any{}
	}
	if t.Description != "" {
		v.Description = &t.Description
	}
	return v
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// writeJSON prints v indented, for people reading it and jq alike.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
