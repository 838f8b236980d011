package main

import (
	"context"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore/runner"
)

func (a *app) runCmd() *cobra.Command {
	var (
		execCmd string
		once    bool
		r       runner.Runner
	)
	c := &cobra.Command{
		Use:   "run [--once] [--exec CMD]",
		Short: "Fire due tasks: the scheduler loop",
		Long: `Fire each due task, then advance it to its next run time (a one-time task is
disabled). Without --exec, each fire is one JSON line on stdout:

  {"id":…,"task_name":…,"args":[…],"kwargs":{…},"scheduled_for":…,"fired_at":…}

With --exec CMD, each fire runs CMD through /bin/sh -c (cmd /C on Windows), with
that JSON line on its stdin and SCHEDSTORE_TASK_ID and SCHEDSTORE_TASK_NAME in
its environment; its output passes through. A failing CMD is logged with the
task and the loop goes on; the task still advances (delivery is at least once:
a task is marked fired after CMD returns). CMD runs in its own process group so
that Ctrl-C stops the scheduler without killing the fire in progress.

Between passes the loop sleeps until the next run time, at most --max-sleep,
so tasks added by other processes are seen. SIGINT or SIGTERM stops it after
the fire in progress and hands back what it had claimed but not fired (a
second signal kills it). Logs go to stderr.

Run as many schedulers on one database as you like: each pass claims due
occurrences with a lease (--lease, on the database's clock) under this
scheduler's --owner name, and records each fire in the fire ledger
("schedstore fires ID"), which holds every occurrence once. A scheduler that
dies holding claims delays those occurrences until its lease ends; then
another fires them. Keep --lease longer than a fire takes: a fire that
outlives its lease can be fired again by another scheduler.`,
		Example: `  schedstore run
  schedstore run --owner web-1 --lease 1m    # one of several schedulers
  schedstore run --once                      # e.g. from a system crontab
  schedstore run --exec 'jq -c . >> fires.log'
  schedstore run --exec 'curl -fsS -H "Content-Type: application/json" --data-binary @- http://localhost:8080/tasks'`,
		Args: exactArgs(0),
	}
	c.Flags().StringVar(&execCmd, "exec", "", "shell command run once per fire, with the fire's JSON on stdin")
	c.Flags().BoolVar(&once, "once", false, "fire what is due now, then exit")
	c.Flags().DurationVar(&r.MaxSleep, "max-sleep", runner.DefaultMaxSleep, "longest sleep between passes")
	c.Flags().StringVar(&r.Owner, "owner", runner.DefaultOwner(), "this scheduler's name in leases and the fire ledger")
	c.Flags().DurationVar(&r.Lease, "lease", runner.DefaultLease, "how long a claim is held; longer than a fire takes")
	c.Flags().IntVar(&r.ClaimLimit, "claim-limit", runner.DefaultClaimLimit, "occurrences claimed per pass")
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		if r.MaxSleep <= 0 {
			return usagef("--max-sleep must be positive, got %v", r.MaxSleep)
		}
		if r.Lease <= 0 || r.ClaimLimit <= 0 || r.Owner == "" {
			return usagef("--lease and --claim-limit must be positive and --owner non-empty")
		}
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		r.Backend = b
		r.Logger = slog.New(slog.NewTextHandler(a.stderr, nil))
		r.Fire = runner.JSONLines(a.stdout)
		if execCmd != "" {
			r.Fire = runner.Exec(execCmd, a.stdout, a.stderr)
		}
		if once {
			return r.RunOnce(ctx)
		}
		return r.Run(ctx)
	})
	return c
}
