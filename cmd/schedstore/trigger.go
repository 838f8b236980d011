package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func (a *app) triggerCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "trigger ID",
		Short: "Fire a task once now, outside its schedule",
		Long: `Queue one run of the task now, outside its schedule. A running scheduler
("schedstore run") fires it at its next look, within a second, before the due
occurrences, as soon as the task is not running. The schedule's own next run
does not move. It fires whether or not the task is enabled or paused, and is
recorded in the fire ledger with kind "manual". Prints the occurrence (the
database's now, the ledger's key for it).`,
		Example: `  schedstore trigger reports.daily
  schedstore fires reports.daily --limit 1 --json`,
		Args: exactArgs(1),
	}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		s, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		at, err := s.Trigger(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, at.UTC().Format(time.RFC3339Nano))
		return nil
	})
	return c
}
