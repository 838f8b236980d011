package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

func (a *app) enableCmd() *cobra.Command {
	return a.toggleCmd(true, "enable ID", "Enable a task so that run fires it",
		`Enable a task. A cron or interval task without a next run time gets one
computed now; a one-time task that has already fired stays without one and
does not fire again. An unknown ID exits with status 1.`,
		"  schedstore enable reports.daily")
}

func (a *app) disableCmd() *cobra.Command {
	return a.toggleCmd(false, "disable ID", "Disable a task; run skips it until it is enabled",
		`Disable a task; it keeps its run times. An unknown ID exits with status 1.`,
		"  schedstore disable reports.daily")
}

func (a *app) toggleCmd(on bool, use, short, long, example string) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Long: long, Example: example, Args: exactArgs(1)}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		t, err := modify(ctx, b, args[0], func(t *schedstore.Task) {
			t.Enabled = on
			if on && t.NextRunAt == nil && t.ScheduleType != schedstore.ScheduleOneTime {
				if s, err := schedule.Parse(string(t.ScheduleType), t.Schedule); err == nil {
					if first := s.First(a.now()); !first.IsZero() {
						t.NextRunAt = &first
					}
				}
			}
		})
		if err != nil {
			return err
		}
		verb := "disabled"
		if on {
			verb = "enabled"
			if t.NextRunAt == nil {
				fmt.Fprintf(a.stderr, "note: %s has no next run time and will not fire\n", t.ID)
			}
		}
		fmt.Fprintln(a.stdout, verb, t.ID)
		return nil
	})
	return c
}
