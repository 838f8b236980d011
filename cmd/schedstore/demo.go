package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/runner"
)

// demoTask is one schedule the demo adds.
type demoTask struct {
	name string
	typ  schedstore.ScheduleType
	expr func(now time.Time) string
}

var demoTasks = []demoTask{
	{"heartbeat", schedstore.ScheduleInterval, fixed("1s")},
	{"metrics.flush", schedstore.ScheduleInterval, fixed("2s")},
	{"even.seconds", schedstore.ScheduleCron, fixed("*/2 * * * * *")},
	{"welcome.email", schedstore.ScheduleOneTime, func(now time.Time) string {
		// Whole seconds read better in the listing.
		return now.Add(3 * time.Second).Round(time.Second).UTC().Format(time.RFC3339)
	}},
}

func fixed(s string) func(time.Time) string { return func(time.Time) string { return s } }

func (a *app) demoCmd() *cobra.Command {
	var length time.Duration
	c := &cobra.Command{
		Use:   "demo [--for DURATION]",
		Short: "Show schedstore working, in a throwaway SQLite database",
		Long: `Add a few schedules to a throwaway SQLite database in a temporary directory
(intervals of 1s and 2s, a cron on every even second, a one-time task 3s from
now), run the scheduler loop so the jobs scroll by, list the schedules as
list would, and remove the database. --db is ignored.`,
		Example: "  go run ./cmd/schedstore demo\n  schedstore demo --for 15s",
		Args:    exactArgs(0),
	}
	c.Flags().DurationVar(&length, "for", 6*time.Second, "how long to run the scheduler")
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		if length <= 0 {
			return usagef("--for must be positive, got %v", length)
		}
		return a.demo(ctx, length)
	})
	return c
}

func (a *app) demo(ctx context.Context, length time.Duration) error {
	dir, err := os.MkdirTemp("", "schedstore-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir) // on the error paths; the happy path removes it before saying so
	path := filepath.Join(dir, "demo.db")
	b, err := adapter.Open(ctx, "sqlite://"+path)
	if err != nil {
		return err
	}
	defer b.Close()

	start := a.now()
	labels := map[string]string{}
	width := 0
	fmt.Fprintf(a.stdout, "Adding schedules to a throwaway SQLite database, %s:\n", path)
	for _, d := range demoTasks {
		f := taskFlags{task: d.name, maxRetries: schedstore.DefaultMaxRetries, retryDelay: schedstore.DefaultRetryDelay}
		t, err := f.build(nil, d.typ, d.expr(start), start)
		if err != nil {
			return err
		}
		if err := b.Create(ctx, t); err != nil {
			return err
		}
		labels[t.ID] = scheduleText(t)
		width = max(width, len(labels[t.ID]))
		fmt.Fprintf(a.stdout, "  %-14s %s\n", d.name, labels[t.ID])
	}
	fmt.Fprintf(a.stdout, "\nRunning the scheduler for %v; one line per job:\n", length)

	runCtx, cancel := context.WithTimeout(ctx, length)
	defer cancel()
	r := runner.Runner{
		Store:       b,
		Concurrency: 1, // one line at a time, in firing order
		Logger:      slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Handler: runner.HandlerFunc(func(_ context.Context, j runner.Job) error {
			fmt.Fprintf(a.stdout, "  %7s  fired %-14s %-*s  scheduled %s, %s late\n",
				fmt.Sprintf("+%.1fs", j.StartedAt.Sub(start).Seconds()), j.TaskName, width, labels[j.ID],
				j.ScheduledFor.Format("15:04:05.000Z"), j.StartedAt.Sub(j.ScheduledFor).Round(100*time.Microsecond))
			return nil
		}),
	}
	if err := r.Run(runCtx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err() // interrupted: skip the listing
	}

	tasks, err := b.ListAll(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nThe schedules afterwards (schedstore list):\n")
	if err := writeTable(a.stdout, tasks, a.now()); err != nil {
		return err
	}
	b.Close()
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nRemoved %s. Next: schedstore add ... --task NAME; schedstore run.\n", dir)
	return nil
}
