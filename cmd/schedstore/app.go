package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
)

// app is the state one invocation shares between its commands.
type app struct {
	stdout, stderr io.Writer
	now            func() time.Time
	dbFlag         string // --db, "" when not given
	getenv         func(string) string
	started        bool // a command's RunE was entered: cobra accepted the command line
	root           *cobra.Command
}

// open opens the store the global options name, migrating it.
func (a *app) open(ctx context.Context) (schedstore.Store, error) {
	return adapter.Open(ctx, a.databaseURL())
}

// action wraps a command's body so that errors raised before it runs
// (unknown flags, wrong argument counts, missing required flags) are told
// apart from those it returns.
func (a *app) action(f func(ctx context.Context, args []string) error) func(c *cobra.Command, args []string) error {
	return func(c *cobra.Command, args []string) error {
		a.started = true
		return f(c.Context(), args)
	}
}
