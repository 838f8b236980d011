package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) addCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "add (cron EXPR | interval DURATION | once TIME) --task NAME",
		Short: "Store a scheduled task and print its ID",
		Long: `Store a scheduled task and print its ID. Its first run time is computed now.

The schedule is checked as the library checks it; a bad one is refused with the
field named and a hint, exit status 2, and nothing is written.`,
		Example: `  schedstore add cron '*/5 * * * *' --task metrics.flush
  schedstore add interval 30s --task health.ping --priority 10
  schedstore add once 2030-01-02T15:04:05Z --task promo.start --kwargs '{"code": "NY30"}'
  schedstore add cron '0 * * * *' --task sync --misfire all --max-catch-up 24 --jitter 30s`,
	}
	c.RunE = a.groupRunE(c)
	c.AddCommand(
		a.addKindCmd(schedstore.ScheduleCron, "cron EXPR", "Store a task on a cron schedule",
			`EXPR has 5 fields (minute hour day-of-month month day-of-week), an optional
leading seconds field, or is a descriptor such as @daily or @every 90s. It is
read in UTC unless it starts with CRON_TZ=Area/City; across daylight-saving
changes a fixed-time job runs once per matching local time.`,
			`  schedstore add cron '0 9 * * MON-FRI' --task reports.daily --id reports.daily --if-absent
  schedstore add cron '*/2 * * * * *' --task fast.tick            # seconds field
  schedstore add cron 'CRON_TZ=Europe/Berlin 30 2 * * *' --task backup --if-absent`),
		a.addKindCmd(schedstore.ScheduleInterval, "interval DURATION", "Store a task that fires every DURATION",
			`DURATION is seconds (300, 2.5) or a Go duration (5m, 1h30m, 250ms). Runs stay on
the grid first + k*DURATION; after downtime the task fires once, then resumes
at the next future slot (the default --misfire once).`,
			`  schedstore add interval 5m --task cache.refresh
  schedstore add interval 300 --task cache.refresh --args '["eu-west"]' --if-absent`),
		a.addKindCmd(schedstore.ScheduleOneTime, "once TIME", "Store a task that fires once, at TIME",
			`TIME is an RFC 3339 instant with a zone offset. A past TIME fires at the
scheduler's next pass. After it fires the task is disabled.`,
			`  schedstore add once 2030-01-02T15:04:05Z --task promo.start
  schedstore add once 2030-01-02T17:04:05+02:00 --task promo.end --description 'end of promo'`),
	)
	return c
}

func (a *app) addKindCmd(typ schedstore.ScheduleType, use, short, long, example string) *cobra.Command {
	var f taskFlags
	c := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long,
		Example: example,
		Args:    exactArgs(1),
	}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		return a.add(ctx, c, &f, typ, args[0])
	})
	f.register(c)
	return c
}

func (a *app) add(ctx context.Context, c *cobra.Command, f *taskFlags, typ schedstore.ScheduleType, expr string) error {
	now := a.now()
	// Everything is checked before the database is opened, so a refused
	// task does not even create a SQLite file.
	t, err := f.build(c, typ, expr, now)
	if err != nil {
		return err
	}
	b, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer b.Close()
	if f.ifAbsent {
		stored, created, err := b.Ensure(ctx, t)
		if err != nil {
			return err
		}
		if !created {
			fmt.Fprintln(a.stdout, stored.ID)
			return nil
		}
		t = stored
	} else if err := b.Create(ctx, t); err != nil {
		return err
	}
	if typ == schedstore.ScheduleOneTime && t.NextRunAt != nil && t.NextRunAt.Before(now) {
		fmt.Fprintf(a.stderr, "note: %s is in the past; the scheduler fires it at its next pass\n",
			t.NextRunAt.Format(time.RFC3339))
	}
	fmt.Fprintln(a.stdout, t.ID)
	return nil
}

// exactArgs is cobra.ExactArgs with a message that names the arguments.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %d argument(s), got %d; usage: %s", c.CommandPath(), n, len(args), c.UseLine())
		}
		return nil
	}
}
