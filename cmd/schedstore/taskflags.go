package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// taskFlags are the options every add subcommand takes.
type taskFlags struct {
	task, id, args, kwargs, description string
	priority, maxRetries                int
	retryDelay                          time.Duration
	disabled, ifAbsent                  bool
	policy                              policyFlags
}

func (f *taskFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.task, "task", "", "name of the task to fire (required)")
	fl.StringVar(&f.id, "id", "", "task ID (default: a new UUID)")
	fl.StringVar(&f.args, "args", "", `positional arguments, a JSON array such as '[1, "two"]'`)
	fl.StringVar(&f.kwargs, "kwargs", "", `keyword arguments, a JSON object such as '{"to": "ops"}'`)
	fl.IntVar(&f.priority, "priority", 0, "higher fires first when several tasks are due")
	fl.StringVar(&f.description, "description", "", "free text")
	fl.IntVar(&f.maxRetries, "max-retries", schedstore.DefaultMaxRetries, "attempts after a failed one (schedstore run retries; the count survives a scheduler dying)")
	fl.DurationVar(&f.retryDelay, "retry-delay", schedstore.DefaultRetryDelay, "delay before each retry (the same every time), e.g. 500ms or 1m")
	fl.BoolVar(&f.disabled, "disabled", false, "store the task disabled (enable it later)")
	fl.BoolVar(&f.ifAbsent, "if-absent", false, "if a task with the same name, schedule, args and kwargs exists, print its ID and store nothing")
	f.policy.register(c)
	_ = c.MarkFlagRequired("task")
}

// build returns the task to store, validated, with its first run time
// computed at now. The schedule is stored as written (trimmed), so that
// --if-absent matches the text a person or the Flowrra reference wrote.
func (f *taskFlags) build(c *cobra.Command, typ schedstore.ScheduleType, expr string, now time.Time) (*schedstore.Task, error) {
	args, err := parseArgs(f.args)
	if err != nil {
		return nil, err
	}
	kwargs, err := parseKwargs(f.kwargs)
	if err != nil {
		return nil, err
	}
	t := &schedstore.Task{
		ID:           f.id,
		TaskName:     f.task,
		ScheduleType: typ,
		Schedule:     strings.TrimSpace(expr),
		Args:         args,
		Kwargs:       kwargs,
		Enabled:      !f.disabled,
		Description:  f.description,
		MaxRetries:   f.maxRetries,
		RetryDelay:   f.retryDelay,
		Priority:     f.priority,
	}
	f.policy.apply(c, t, false)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	sched, err := schedule.Parse(string(typ), t.Schedule)
	if err != nil { // Validate parsed it already
		return nil, &schedstore.FieldError{Field: "Schedule", Reason: err.Error()}
	}
	// A zero first run (a cron that matches nothing within five years)
	// leaves NextRunAt empty: the task is stored but never due.
	if first := sched.First(now); !first.IsZero() {
		t.NextRunAt = &first
	}
	return t, nil
}
