package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func (a *app) pauseCmd() *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "pause ID [--reason TEXT]",
		Short: "Pause a task: disable it, and record when and why",
		Long: `Pause a task: it is disabled, and list, get and describe show since when and
why. Pausing a paused task replaces the reason. A run in progress still
finishes. An unknown ID exits with status 1.`,
		Example: `  schedstore pause reports.daily --reason 'mail server migration, see OPS-42'`,
		Args:    exactArgs(1),
	}
	c.Flags().StringVar(&reason, "reason", "", "why (at most 1024 bytes), shown by list, get and describe")
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		t, err := b.Pause(ctx, args[0], reason)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, "paused", t.ID)
		return nil
	})
	return c
}

func (a *app) resumeCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "resume ID",
		Short: "Resume a paused task at its next future run time",
		Long: `Resume a task: it is enabled again and its pause cleared. It runs next at the
next run time its schedule gives after now: the runs that came due while it was
paused are not fired, whatever its misfire policy. A one-time task whose time
passed has no next run: it stays disabled (give it a new time with set
--schedule). Resuming an enabled task changes nothing. An unknown ID exits
with status 1.`,
		Example: `  schedstore resume reports.daily`,
		Args:    exactArgs(1),
	}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		t, err := b.Resume(ctx, args[0])
		if err != nil {
			return err
		}
		if !t.Enabled || t.NextRunAt == nil {
			fmt.Fprintf(a.stderr, "note: %s has no next run time and stays disabled\n", t.ID)
		} else {
			fmt.Fprintf(a.stderr, "next run: %s\n", t.NextRunAt.UTC().Format(time.RFC3339Nano))
		}
		fmt.Fprintln(a.stdout, "resumed", t.ID)
		return nil
	})
	return c
}
