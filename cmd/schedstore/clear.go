package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) clearCmd() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:     "clear --yes",
		Short:   "Delete every task",
		Long:    "Delete every task. Refused (exit status 2) without --yes.",
		Example: "  schedstore clear --yes",
		Args:    exactArgs(0),
	}
	c.Flags().BoolVar(&yes, "yes", false, "confirm deleting every task")
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		if !yes {
			return usagef("clear deletes every task; add --yes to confirm")
		}
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		n, err := b.Clear(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "deleted %d task(s)\n", n)
		return nil
	})
	return c
}
