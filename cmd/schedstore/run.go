package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore/runner"
)

func (a *app) runCmd() *cobra.Command {
	var (
		execCmd string
		once    bool
		r       runner.Runner
		obs     runObsFlags // run_obs.go
	)
	c := &cobra.Command{
		Use:   "run [--once] [--exec CMD]",
		Short: "Fire due tasks: the scheduler loop",
		Long: `Claim each due occurrence, run it, record its outcome in the fire ledger
("schedstore fires ID"), and advance the task to its next run time (a one-time
task is disabled). Without --exec, each attempt is one JSON line on stdout:

  {"id":…,"task_name":…,"args":[…],"kwargs":{…},"scheduled_for":…,"started_at":…,"attempt":1,"max_attempts":4,"kind":"scheduled"}

With --exec CMD, each attempt runs CMD through /bin/sh -c (cmd /C on Windows),
with that JSON line on its stdin and SCHEDSTORE_TASK_ID, SCHEDSTORE_TASK_NAME
and SCHEDSTORE_ATTEMPT in its environment; its output passes through. CMD runs
in its own process group: Ctrl-C does not reach it, and when the attempt is
stopped (--timeout, a lost claim, the end of --shutdown-grace) the whole group
gets SIGTERM, then SIGKILL 2 s later.

Up to --concurrency occurrences run at once; a task never has two in flight.
While a backlog of short jobs drains, a claim also takes up to --prefetch more,
which wait in memory and start in order as slots free (0: claim only for free
slots).
A failed attempt (non-zero exit, --timeout) is tried again after the task's
retry delay, up to its max retries; the count is kept in the database, so
another scheduler goes on with it if this one dies. Each occurrence is
recorded once, as succeeded or failed, with its attempts and last error.

Run as many schedulers on one database as you like, each with its own --owner.
A claim is leased for --lease (on the database's clock) and renewed while the
job runs, so --lease bounds only how long a dead scheduler's claims wait for
another scheduler, not how long a job may take. A scheduler that cannot renew
a claim (another took it, or the database was unreachable for most of a
lease) stops that job and records nothing for it.

SIGINT or SIGTERM: no new job starts, and claims still waiting for a slot are
handed back at once, without costing their tasks an attempt; jobs in flight
get --shutdown-grace to finish and are recorded; then they are stopped and
their claims handed back; exit status 0. A second signal kills the scheduler.
Logs go to stderr.`,
		Example: `  schedstore run
  schedstore run --owner web-1 --concurrency 20    # one of several schedulers
  schedstore run --once                            # e.g. from a system crontab
  schedstore run --timeout 10m --exec './report.sh'
  schedstore run --exec 'jq -c . >> jobs.log'
  schedstore run --exec 'curl -fsS -H "Content-Type: application/json" --data-binary @- http://localhost:8080/tasks'`,
		Args: exactArgs(0),
	}
	c.Flags().StringVar(&execCmd, "exec", "", "shell command run once per attempt, with the job's JSON on stdin")
	c.Flags().BoolVar(&once, "once", false, "fire what is due now, wait until it is recorded, then exit")
	c.Flags().IntVar(&r.Concurrency, "concurrency", runner.DefaultConcurrency, "occurrences run at once")
	c.Flags().DurationVar(&r.Timeout, "timeout", 0, "longest an attempt may run before it is stopped and counts as failed (0: none)")
	c.Flags().DurationVar(&r.ShutdownGrace, "shutdown-grace", runner.DefaultShutdownGrace, "on SIGTERM, how long jobs in flight may take to finish")
	c.Flags().DurationVar(&r.MaxSleep, "max-sleep", runner.DefaultMaxSleep, "longest sleep between passes")
	c.Flags().StringVar(&r.Owner, "owner", runner.DefaultOwner(), "this scheduler's name in leases and the fire ledger")
	c.Flags().DurationVar(&r.Lease, "lease", runner.DefaultLease, "how long a dead scheduler's claims wait for another (renewed while a job runs)")
	c.Flags().IntVar(&r.ClaimLimit, "claim-limit", runner.DefaultClaimLimit, "occurrences claimed per pass, at most")
	c.Flags().IntVar(&r.Prefetch, "prefetch", runner.DefaultPrefetch, "claimed occurrences that may wait for a free slot while a backlog drains (0: none)")
	obs.register(c)
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		if r.MaxSleep <= 0 {
			return usagef("--max-sleep must be positive, got %v", r.MaxSleep)
		}
		if r.Lease <= 0 || r.ClaimLimit <= 0 || r.Concurrency <= 0 || r.Owner == "" {
			return usagef("--lease, --claim-limit and --concurrency must be positive and --owner non-empty")
		}
		if r.Timeout < 0 || r.ShutdownGrace < 0 || r.Prefetch < 0 {
			return usagef("--timeout, --shutdown-grace and --prefetch must not be negative")
		}
		if r.Prefetch == 0 {
			r.Prefetch = -1 // the Runner's "off"; its 0 is the default
		}
		logger, err := obs.logger(a)
		if err != nil {
			return err
		}
		s, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		r.Store = s
		r.Logger = logger
		r.Handler = runner.JSONLines(a.stdout)
		if execCmd != "" {
			r.Handler = runner.Exec(execCmd, a.stdout, a.stderr)
		}
		return obs.run(ctx, a, &r, s, once)
	})
	return c
}
