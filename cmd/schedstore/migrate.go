package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/schema"
)

func (a *app) migrateCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "migrate (up | down [N|all] | status | force V)",
		Short: "Apply, revert or inspect the schema migrations embedded in this binary",
		Long: `Apply, revert or inspect the schema migrations embedded in this binary.

Other commands apply pending migrations themselves when they open the
database; migrate is for operators who apply them separately (URL option
schedstore_migrate=false) and for repairs.`,
		Example: `  schedstore migrate up
  schedstore migrate status --json
  schedstore migrate down 1
  schedstore migrate force 5      # after fixing a failed migration by hand: the version really applied`,
	}
	c.RunE = a.groupRunE(c)
	c.AddCommand(a.migrateUpCmd(), a.migrateDownCmd(), a.migrateStatusCmd(), a.migrateForceCmd())
	return c
}

// withMigrator runs f with a Migrator for the selected database.
func (a *app) withMigrator(ctx context.Context, f func(*schema.Migrator) error) error {
	m, err := adapter.NewMigrator(ctx, a.databaseURL())
	if err != nil {
		return err
	}
	defer m.Close()
	return f(m)
}

func (a *app) migrateUpCmd() *cobra.Command {
	c := &cobra.Command{
		Use:     "up",
		Short:   "Apply every pending migration",
		Example: "  schedstore migrate up --db postgres://app@db.internal/app",
		Args:    exactArgs(0),
	}
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		return a.withMigrator(ctx, func(m *schema.Migrator) error {
			if err := m.Up(); err != nil {
				return err
			}
			return a.printStatus(m, false)
		})
	})
	return c
}

func (a *app) migrateDownCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "down [N|all]",
		Short: "Revert the last N migrations (default 1)",
		Long: `Revert the last N migrations (default 1), or all of them. Reverting the first
migration drops the tasks table and every task in it.`,
		Example: `  schedstore migrate down
  schedstore migrate down all`,
		Args: cobra.MaximumNArgs(1),
	}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		n := 1
		if len(args) == 1 {
			if args[0] == "all" {
				n = 0 // Migrator.Down: all of them
			} else if v, err := strconv.Atoi(args[0]); err == nil && v > 0 {
				n = v
			} else {
				return usagef("migrate down: N must be a positive number or all, got %q", args[0])
			}
		}
		return a.withMigrator(ctx, func(m *schema.Migrator) error {
			st, err := m.Status()
			if err != nil {
				return err
			}
			// golang-migrate fails when asked for more steps than are
			// applied; "down 5" with 1 applied means "down all".
			if n > int(st.Version) {
				n = 0
			}
			if st.Version == 0 {
				return a.printStatus(m, false)
			}
			if err := m.Down(n); err != nil {
				return err
			}
			return a.printStatus(m, false)
		})
	})
	return c
}

func (a *app) migrateStatusCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:     "status",
		Short:   "Show the applied and the latest schema version",
		Example: "  schedstore migrate status\n  schedstore migrate status --json",
		Args:    exactArgs(0),
	}
	c.Flags().BoolVar(&asJSON, "json", false, `print {"version", "latest", "dirty"}`)
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		return a.withMigrator(ctx, func(m *schema.Migrator) error { return a.printStatus(m, asJSON) })
	})
	return c
}

func (a *app) migrateForceCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "force V",
		Short: "Record version V as applied and clean, running nothing",
		Long: `Record version V as applied and clean, without running any migration: the way
out of a "dirty" state after fixing a failed migration by hand. V = 0 records
that no migration is applied.`,
		Example: "  schedstore migrate force 5      # the version really applied, after fixing a failed migration by hand",
		Args:    exactArgs(1),
	}
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		latest, err := schema.Latest()
		if err != nil {
			return err
		}
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 0 || uint(v) > latest {
			return usagef("migrate force: V must be a version from 0 to %d, got %q", latest, args[0])
		}
		if v == 0 {
			v = -1 // golang-migrate's "no version"
		}
		return a.withMigrator(ctx, func(m *schema.Migrator) error {
			if err := m.Force(v); err != nil {
				return err
			}
			return a.printStatus(m, false)
		})
	})
	return c
}

// printStatus prints the schema's state, as text or JSON.
func (a *app) printStatus(m *schema.Migrator, asJSON bool) error {
	st, err := m.Status()
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, struct {
			Version uint `json:"version"`
			Latest  uint `json:"latest"`
			Dirty   bool `json:"dirty"`
		}{st.Version, st.Latest, st.Dirty})
	}
	state := "up to date"
	switch {
	case st.Dirty:
		state = "DIRTY: a migration failed half-way; fix the database, then run 'schedstore migrate force V'"
	case st.Version == 0:
		state = "no migration applied"
	case st.Version < st.Latest:
		state = fmt.Sprintf("%d pending", st.Latest-st.Version)
	}
	fmt.Fprintf(a.stdout, "schema version %d of %d: %s\n", st.Version, st.Latest, state)
	return nil
}
