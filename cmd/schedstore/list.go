package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) listCmd() *cobra.Command {
	var enabled, due, asJSON bool
	c := &cobra.Command{
		Use:   "list [--enabled | --due]",
		Short: "List the stored tasks",
		Long: `List the stored tasks as a table: next and last run as UTC times and relative
to now. Without a filter, all tasks in the order they were created; --enabled
orders by next run, --due by priority, then next run (the order run fires
them).`,
		Example: `  schedstore list
  schedstore list --due
  schedstore list --json | jq -r '.[] | select(.enabled) | .id'`,
		Args: exactArgs(0),
	}
	c.Flags().BoolVar(&enabled, "enabled", false, "only enabled tasks")
	c.Flags().BoolVar(&due, "due", false, "only tasks due now")
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array with every field")
	c.MarkFlagsMutuallyExclusive("enabled", "due")
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		now := a.now()
		var tasks []*schedstore.Task
		switch {
		case enabled:
			tasks, err = b.ListEnabled(ctx)
		case due:
			tasks, err = b.ListDue(ctx, now)
		default:
			tasks, err = b.ListAll(ctx)
		}
		if err != nil {
			return err
		}
		if asJSON {
			views := make([]taskView, 0, len(tasks))
			for _, t := range tasks {
				views = append(views, viewOf(t))
			}
			return writeJSON(a.stdout, views)
		}
		if len(tasks) == 0 {
			fmt.Fprintln(a.stdout, "no tasks")
			return nil
		}
		return writeTable(a.stdout, tasks, now)
	})
	return c
}
