package main

import (
	"context"
	"fmt"
	"io"
	"strings"
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
that "schedstore run" writes: when each was scheduled, how late its first
attempt started, how long it took to its outcome, the outcome (succeeded or
failed), the attempts made, which scheduler recorded it, and the last error.
The ledger holds each occurrence once, however many schedulers run.`,
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
		return writeFires(a.stdout, fires, a.now())
	})
	return c
}

// fireView is a ledger row as `fires --json` prints it. Durations are Go
// duration strings; started_at, lateness and duration are null for rows
// recorded before schedstore kept the start.
type fireView struct {
	TaskID       string     `json:"task_id"`
	ScheduledFor time.Time  `json:"scheduled_for"`
	StartedAt    *time.Time `json:"started_at"`
	FinishedAt   time.Time  `json:"finished_at"`
	Lateness     *string    `json:"lateness"` // started_at - scheduled_for
	Duration     *string    `json:"duration"` // finished_at - started_at
	Status       string     `json:"status"`
	Attempts     int        `json:"attempts"`
	Owner        string     `json:"owner"`
	Error        string     `json:"error"`
	// kind: scheduled, manual or backfill. A missed or skipped row stands
	// for occurrences occurrences, scheduled_for through last_scheduled_for.
	Kind             string    `json:"kind"`
	Occurrences      int       `json:"occurrences"`
	LastScheduledFor time.Time `json:"last_scheduled_for"`
}

func newFireView(f schedstore.Fire) fireView {
	v := fireView{TaskID: f.TaskID, ScheduledFor: f.ScheduledFor, StartedAt: f.StartedAt, FinishedAt: f.FinishedAt,
		Status: string(f.Status), Attempts: f.Attempts, Owner: f.Owner, Error: f.Error,
		Kind: string(f.Kind), Occurrences: f.Occurrences, LastScheduledFor: f.LastScheduledFor}
	if f.StartedAt != nil {
		late := f.StartedAt.Sub(f.ScheduledFor).Round(time.Millisecond).String()
		took := f.FinishedAt.Sub(*f.StartedAt).Round(time.Millisecond).String()
		v.Lateness, v.Duration = &late, &took
	}
	return v
}

func fireViews(fires []schedstore.Fire) []fireView {
	out := make([]fireView, len(fires))
	for i, f := range fires {
		out[i] = newFireView(f)
	}
	return out
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

// oneLine shortens s to one line of at most n runes for a table cell.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	if s == "" {
		return "-"
	}
	return s
}

// writeFires prints ledger rows as a table. STATUS says how many
// occurrences a missed or skipped row stands for ("missed x3") and the
// kind of a fire not made by the schedule ("succeeded (manual)").
func writeFires(w io.Writer, fires []schedstore.Fire, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCHEDULED FOR (UTC)\tLATE\tTOOK\tSTATUS\tATTEMPTS\tOWNER\tERROR")
	for _, f := range fires {
		v := newFireView(f)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", when(&f.ScheduledFor, now),
			orDash(v.Lateness), orDash(v.Duration), fireStatusText(f), f.Attempts, f.Owner, oneLine(f.Error, 80))
	}
	return tw.Flush()
}

func fireStatusText(f schedstore.Fire) string {
	s := string(f.Status)
	if f.Occurrences > 1 {
		s += fmt.Sprintf(" x%d", f.Occurrences)
	}
	if f.Kind != "" && f.Kind != schedstore.FireScheduled {
		s += " (" + string(f.Kind) + ")"
	}
	return s
}
