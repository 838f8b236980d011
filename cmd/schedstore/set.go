package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

func (a *app) setCmd() *cobra.Command {
	var (
		policy                    policyFlags
		sched, args, kwargs, desc string
		priority, maxRetries      int
		retryDelay                time.Duration
	)
	c := &cobra.Command{
		Use:   "set ID [flags]",
		Short: "Change a task in place: only the options given",
		Long: `Change a stored task: only the options given on the command line, the rest
as stored. The task is read, changed and written back at the version read; if
another writer (a scheduler advancing it, another set) changed it in between,
nothing is written and set exits with status 1: read it again and retry.

--schedule takes an expression of the task's own schedule type, or the type
first to change it: 'cron EXPR', 'interval DURATION' or 'once TIME'. A new
schedule computes the next run time now. The pause (schedstore pause) is
kept.`,
		Example: `  schedstore set reports.daily --misfire skip --jitter 1m
  schedstore set reports.daily --schedule '0 8 * * MON-FRI' --priority 5
  schedstore set reports.daily --schedule 'interval 10m' --misfire all --max-catch-up 6`,
		Args: exactArgs(1),
	}
	fl := c.Flags()
	fl.StringVar(&sched, "schedule", "", "new schedule: an expression of the task's type, or 'cron EXPR', 'interval DURATION', 'once TIME'")
	fl.StringVar(&args, "args", "", `positional arguments, a JSON array such as '[1, "two"]'`)
	fl.StringVar(&kwargs, "kwargs", "", `keyword arguments, a JSON object such as '{"to": "ops"}'`)
	fl.IntVar(&priority, "priority", 0, "higher fires first when several tasks are due")
	fl.StringVar(&desc, "description", "", "free text")
	fl.IntVar(&maxRetries, "max-retries", schedstore.DefaultMaxRetries, "attempts after a failed one")
	fl.DurationVar(&retryDelay, "retry-delay", schedstore.DefaultRetryDelay, "delay before each retry")
	policy.register(c)
	c.RunE = a.action(func(ctx context.Context, ids []string) error {
		if !slices.ContainsFunc(setFlagNames, c.Flags().Changed) {
			return usagef("set %s: nothing to change; give at least one option (see schedstore set --help)", ids[0])
		}
		given := c.Flags().Changed
		// Everything the command line says is checked before the database
		// is opened.
		var newArgs []any
		var newKwargs map[string]any
		var err error
		if given("args") {
			if newArgs, err = parseArgs(args); err != nil {
				return err
			}
		}
		if given("kwargs") {
			if newKwargs, err = parseKwargs(kwargs); err != nil {
				return err
			}
		}
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		t, err := b.Get(ctx, ids[0])
		if err != nil {
			return err
		}
		if given("schedule") {
			typ, expr := splitScheduleFlag(t.ScheduleType, sched)
			if _, err := schedule.Parse(string(typ), expr); err != nil {
				return &schedstore.FieldError{Field: "Schedule", Reason: err.Error()}
			}
			t.ScheduleType, t.Schedule = typ, expr
			t.NextRunAt = firstRun(t, a.now())
		}
		if given("args") {
			t.Args = newArgs
		}
		if given("kwargs") {
			t.Kwargs = newKwargs
		}
		if given("priority") {
			t.Priority = priority
		}
		if given("description") {
			t.Description = desc
		}
		if given("max-retries") {
			t.MaxRetries = maxRetries
		}
		if given("retry-delay") {
			t.RetryDelay = retryDelay
		}
		policy.apply(c, t, true)
		read := t.Version
		if testHookBeforeSetWrite != nil {
			testHookBeforeSetWrite(ctx, b)
		}
		if err := b.Update(ctx, t); err != nil {
			if errors.Is(err, schedstore.ErrConflict) {
				return fmt.Errorf("%w: task %s changed since it was read (version %d); nothing was written, run set again",
					schedstore.ErrConflict, t.ID, read)
			}
			return err
		}
		fmt.Fprintln(a.stdout, "updated", t.ID)
		return nil
	})
	return c
}

// testHookBeforeSetWrite, when set by a test, runs between set's read and
// its write: a concurrent writer.
var testHookBeforeSetWrite func(context.Context, schedstore.Store)

// setFlagNames are set's own options: at least one must be given.
var setFlagNames = []string{"schedule", "args", "kwargs", "priority", "description", "max-retries", "retry-delay",
	"misfire", "max-catch-up", "misfire-grace", "overlap", "jitter"}

// splitScheduleFlag reads --schedule: "cron EXPR", "interval D" or
// "once T" name the type; anything else is an expression of typ.
func splitScheduleFlag(typ schedstore.ScheduleType, v string) (schedstore.ScheduleType, string) {
	v = strings.TrimSpace(v)
	for _, k := range []struct {
		word string
		typ  schedstore.ScheduleType
	}{{"cron", schedstore.ScheduleCron}, {"interval", schedstore.ScheduleInterval}, {"once", schedstore.ScheduleOneTime}} {
		if rest, ok := strings.CutPrefix(v, k.word+" "); ok {
			return k.typ, strings.TrimSpace(rest)
		}
	}
	return typ, v
}

// firstRun is a new schedule's first run time at now (nil: none).
func firstRun(t *schedstore.Task, now time.Time) *time.Time {
	s, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil {
		return nil
	}
	first := s.First(now)
	if first.IsZero() {
		return nil
	}
	return &first
}
