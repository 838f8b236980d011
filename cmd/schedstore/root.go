package main

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// execute runs one command line and returns its exit status.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return newApp(stdout, stderr).execute(ctx, args)
}

func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, now: time.Now, getenv: os.Getenv}
}

func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	status := exitStatus(err, a.started)
	if err != nil {
		path := root.CommandPath()
		if cmd != nil {
			path = cmd.CommandPath()
		}
		report(a.stderr, err, a.started, path)
	}
	return status
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "schedstore",
		Short: "Store scheduled tasks in PostgreSQL, MySQL or SQLite and fire them when due",
		Long: `schedstore stores scheduled tasks (cron, interval and one-time) in a database
and fires them when they are due.

The database is --db URL, else $SCHEDSTORE_DATABASE_URL, else
$FLOWRRA_SCHEDULER_DATABASE_URL, else the SQLite file .flowrra_schedule.db in
the working directory. URLs: sqlite://relative/path, sqlite:///abs/path,
postgres://user:pass@host/db, mysql://user:pass@host:3306/db.

Exit status: 0 ok, 1 runtime or database error (including an unknown task
ID), 2 usage or validation error (nothing was written).`,
		Example: `  # See it work in a throwaway database
  schedstore demo

  # Store a task under an ID you choose, then fire due tasks as JSON lines
  schedstore add cron '0 9 * * MON-FRI' --task reports.daily --id reports.daily
  schedstore run`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: a.action(func(context.Context, []string) error {
			return usagef("missing command; one of: %s", strings.Join(subcommandNames(a.root), ", "))
		}),
	}
	a.root = root
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().StringVar(&a.dbFlag, "db", "", "database URL (default $SCHEDSTORE_DATABASE_URL, $FLOWRRA_SCHEDULER_DATABASE_URL, sqlite://.flowrra_schedule.db)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: err.Error()} })
	root.AddCommand(
		a.migrateCmd(),
		a.addCmd(),
		a.listCmd(),
		a.getCmd(),
		a.describeCmd(),
		a.setCmd(),
		a.pauseCmd(),
		a.resumeCmd(),
		a.enableCmd(),
		a.disableCmd(),
		a.deleteCmd(),
		a.clearCmd(),
		a.runCmd(),
		a.serveCmd(),
		a.firesCmd(),
		a.triggerCmd(),
		a.backfillCmd(),
		a.demoCmd(),
	)
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			c.Example = "  schedstore help add cron"
		}
	}
	return root
}

// subcommandNames lists c's commands for a "missing command" message.
func subcommandNames(c *cobra.Command) []string {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return names
}

// groupRunE refuses a group command (add, migrate) called without a known
// subcommand, instead of cobra's help and success.
func (a *app) groupRunE(c *cobra.Command) func(*cobra.Command, []string) error {
	return a.action(func(_ context.Context, args []string) error {
		kinds := strings.Join(subcommandNames(c), ", ")
		if len(args) == 0 {
			return usagef("%s needs a subcommand: %s", c.Name(), kinds)
		}
		return usagef("%s: unknown subcommand %q; use one of %s", c.Name(), args[0], kinds)
	})
}
