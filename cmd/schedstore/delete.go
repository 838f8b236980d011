package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) deleteCmd() *cobra.Command {
	c := &cobra.Command{
		Use:     "delete ID",
		Short:   "Delete a task",
		Long:    "Delete a task. An unknown ID exits with status 1 and \"task not found\".",
		Example: "  schedstore delete reports.daily",
		Args:    exactArgs(1),
	}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		deleted, err := b.Delete(ctx, args[0])
		if err != nil {
			return err
		}
		if !deleted {
			return fmt.Errorf("%w: %q", schedstore.ErrNotFound, args[0])
		}
		fmt.Fprintln(a.stdout, "deleted", args[0])
		return nil
	})
	return c
}
