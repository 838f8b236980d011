package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) backfillCmd() *cobra.Command {
	var (
		from, to       string
		dryRun, asJSON bool
	)
	c := &cobra.Command{
		Use:   "backfill ID --from T1 --to T2 [--dry-run]",
		Short: "Fire the past occurrences of a schedule that never fired",
		Long: fmt.Sprintf(`Queue each occurrence of the task's schedule in [--from, --to) that the fire
ledger does not hold, once: the running schedulers fire them, oldest first,
within their concurrency, recorded with kind "backfill". The same backfill
again queues nothing (whatever fired or is queued is skipped). --dry-run lists
what it would queue and queues nothing. Times are RFC 3339. An interval
schedule's grid is the task's own. At most %d occurrences at a time.
Prints one occurrence per line (UTC), or a JSON array with --json.`, schedstore.MaxBackfill),
		Example: `  schedstore backfill reports.daily --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z --dry-run
  schedstore backfill reports.daily --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z`,
		Args: exactArgs(1),
	}
	c.Flags().StringVar(&from, "from", "", "first instant of the range, RFC 3339 (required)")
	c.Flags().StringVar(&to, "to", "", "end of the range, excluded, RFC 3339 (required)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be queued; queue nothing")
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of RFC 3339 UTC strings")
	_ = c.MarkFlagRequired("from")
	_ = c.MarkFlagRequired("to")
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		start, err := time.Parse(time.RFC3339Nano, from)
		if err != nil {
			return usagef("--from: %v", err)
		}
		end, err := time.Parse(time.RFC3339Nano, to)
		if err != nil {
			return usagef("--to: %v", err)
		}
		if !start.Before(end) {
			return usagef("--to (%s) must be after --from (%s)", to, from)
		}
		s, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		occurrences, err := s.Backfill(ctx, args[0], start, end, dryRun)
		if err != nil {
			return err
		}
		out := make([]string, len(occurrences))
		for i, o := range occurrences {
			out[i] = o.UTC().Format(time.RFC3339Nano)
		}
		if !dryRun {
			fmt.Fprintf(a.stderr, "queued %d occurrence(s)\n", len(out))
		}
		if asJSON {
			return writeJSON(a.stdout, out)
		}
		for _, o := range out {
			fmt.Fprintln(a.stdout, o)
		}
		return nil
	})
	return c
}
