package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) firesCmd() *cobra.Command {
	var (
		asJSON bool
		limit  int
	)
	c := &cobra.Command{
		Use:   "fires ID",
		Short: "Show a task's fire history (the fire ledger)",
		Long: `Show the occurrences of a task that fired, newest first, from the fire ledger
that "schedstore run" writes: when each was scheduled, which scheduler fired it
and when. The ledger holds each occurrence once, however many schedulers run.`,
		Example: `  schedstore fires reports.daily
  schedstore fires reports.daily --limit 100 --json`,
		Args: exactArgs(1),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	c.Flags().IntVar(&limit, "limit", 20, "at most this many fires (0: all)")
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		if limit < 0 {
			return usagef("--limit must be 0 or more, got %d", limit)
		}
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		if _, err := b.Get(ctx, args[0]); err != nil {
			return err // an unknown ID says so, instead of an empty history
		}
		fires, err := b.ListFires(ctx, args[0], limit)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, fireViews(fires))
		}
		now := a.now()
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SCHEDULED FOR (UTC)\tFIRED AT (UTC)\tLATE\tOWNER")
		for _, f := range fires {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", when(&f.ScheduledFor, now), f.FiredAt.Format("2006-01-02 15:04:05.000Z"),
				f.FiredAt.Sub(f.ScheduledFor).Round(time.Millisecond), f.Owner)
		}
		return tw.Flush()
	})
	return c
}

type fireView struct {
	TaskID       string    `json:"task_id"`
	ScheduledFor time.Time `json:"scheduled_for"`
	Owner        string    `json:"owner"`
	FiredAt      time.Time `json:"fired_at"`
}

func fireViews(fires []schedstore.Fire) []fireView {
	out := make([]fireView, len(fires))
	for i, f := range fires {
		out[i] = fireView(f)
	}
	return out
}
