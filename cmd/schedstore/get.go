package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) getCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "get ID",
		Short: "Show one task",
		Long:  "Show one task, every field. An unknown ID exits with status 1 and \"task not found\".",
		Example: `  schedstore get reports.daily
  schedstore get reports.daily --json | jq .next_run_at`,
		Args: exactArgs(1),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON object with every field")
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		t, err := b.Get(ctx, args[0])
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, viewOf(t))
		}
		return writeDetails(a.stdout, t, a.now())
	})
	return c
}

// writeDetails prints one task as aligned "Field: value" lines.
func writeDetails(w io.Writer, t *schedstore.Task, now time.Time) error {
	args, _ := json.Marshal(viewOf(t).Args)
	kwargs, _ := json.Marshal(viewOf(t).Kwargs)
	desc := t.Description
	if desc == "" {
		desc = "-"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, kv := range [][2]string{
		{"ID", t.ID},
		{"Task", t.TaskName},
		{"Schedule", scheduleText(t)},
		{"Next run", when(t.NextRunAt, now)},
		{"Last run", when(t.LastRunAt, now)},
		{"Enabled", yesNo(t.Enabled)},
		{"Paused", pauseText(t, now)},
		{"Priority", fmt.Sprint(t.Priority)},
		{"Args", string(args)},
		{"Kwargs", string(kwargs)},
		{"Description", desc},
		{"Max retries", fmt.Sprint(t.MaxRetries)},
		{"Retry delay", t.RetryDelay.String()},
		{"Misfire", misfireText(t)},
		{"Overlap", string(t.Overlap)},
		{"Jitter", durationOrNone(t.Jitter)},
		{"Created", when(&t.CreatedAt, now)},
		{"Updated", when(&t.UpdatedAt, now)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	return tw.Flush()
}

// pauseText shows the pause: "no", or "since <when>: <reason>".
func pauseText(t *schedstore.Task, now time.Time) string {
	if t.PausedAt == nil {
		return "no"
	}
	s := "since " + when(t.PausedAt, now)
	if t.PauseReason != "" {
		s += ": " + oneLine(t.PauseReason, 200)
	}
	return s
}

// misfireText shows the misfire policy with what bounds it.
func misfireText(t *schedstore.Task) string {
	s := string(t.Misfire)
	if t.Misfire == schedstore.MisfireAll {
		s += fmt.Sprintf(", at most %d", t.MaxCatchUp)
	}
	return s + ", grace " + durationOrNone(t.MisfireGrace)
}

func durationOrNone(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return d.String()
}
