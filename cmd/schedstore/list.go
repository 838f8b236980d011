package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

func (a *app) listCmd() *cobra.Command {
	var enabled, due, asJSON bool
	var limit int
	var after string
	c := &cobra.Command{
		Use:   "list [--enabled | --due] [--limit N] [--after ID]",
		Short: "List the stored tasks",
		Long: `List the stored tasks as a table: next and last run as UTC times and relative
to now. Without a filter, all tasks in the order they were created (then by
ID), read and printed a page of 1000 at a time, so any number of tasks lists
in constant memory; the table's columns are aligned within each block of
1000 rows. --limit N stops after N tasks and --after ID starts after that
task in this order (an unknown ID is "task not found"): together they page
through the list. --enabled orders by next run, --due by priority, then next
run (the order run fires them); these two are read whole and take neither
--limit nor --after.

--json prints one JSON array, written element by element. If listing fails
midway, the array is left unclosed (so no JSON reader takes it for the whole
list) and the exit status is 1.`,
		Example: `  schedstore list
  schedstore list --due
  schedstore list --limit 100 --after reports.daily
  schedstore list --json | jq -r '.[] | select(.enabled) | .id'`,
		Args: exactArgs(0),
	}
	c.Flags().BoolVar(&enabled, "enabled", false, "only enabled tasks")
	c.Flags().BoolVar(&due, "due", false, "only tasks due now")
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array with every field")
	c.Flags().IntVar(&limit, "limit", 0, "print at most N tasks (default: all)")
	c.Flags().StringVar(&after, "after", "", "start after the task with this `ID`, in creation order")
	c.MarkFlagsMutuallyExclusive("enabled", "due")
	for _, filter := range []string{"enabled", "due"} {
		c.MarkFlagsMutuallyExclusive(filter, "limit")
		c.MarkFlagsMutuallyExclusive(filter, "after")
	}
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		if c.Flags().Changed("limit") && limit < 1 {
			return usagef("--limit must be at least 1, not %d", limit)
		}
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		now := a.now()
		var tasks iter.Seq2[*schedstore.Task, error]
		switch {
		case enabled:
			tasks = whole(b.ListEnabled(ctx))
		case due:
			tasks = whole(b.ListDue(ctx, now))
		default:
			tasks = listAll(ctx, b, after, c.Flags().Changed("after"), limit)
		}
		out := bufio.NewWriterSize(a.stdout, 64<<10)
		if asJSON {
			err = writeJSONArray(out, tasks)
		} else {
			err = writeTableSeq(out, tasks, now)
		}
		if ferr := out.Flush(); err == nil {
			err = ferr
		}
		return err
	})
	return c
}

// whole is a list read at once as a sequence.
func whole(tasks []*schedstore.Task, err error) iter.Seq2[*schedstore.Task, error] {
	if err != nil {
		return func(yield func(*schedstore.Task, error) bool) { yield(nil, err) }
	}
	return func(yield func(*schedstore.Task, error) bool) {
		for _, t := range tasks {
			if !yield(t, nil) {
				return
			}
		}
	}
}

// listAll is ListAll's order in keyset pages: all of it through
// ListAllSeq, or at most limit tasks (0: no limit) through ListPage, with
// pages no longer than needed. hasAfter starts after the task afterID
// (looked up first: ErrNotFound before anything is printed).
func listAll(ctx context.Context, b schedstore.Store, afterID string, hasAfter bool, limit int) iter.Seq2[*schedstore.Task, error] {
	return func(yield func(*schedstore.Task, error) bool) {
		var cur schedstore.Cursor
		if hasAfter {
			t, err := b.Get(ctx, afterID)
			if err != nil {
				yield(nil, err)
				return
			}
			cur = schedstore.CursorOf(t)
		}
		if limit == 0 {
			for t, err := range b.ListAllSeq(ctx, cur) {
				if !yield(t, err) {
					return
				}
			}
			return
		}
		for limit > 0 {
			page, next, err := b.ListPage(ctx, cur, min(limit, schedstore.ListPageSize))
			if err != nil {
				yield(nil, err)
				return
			}
			for _, t := range page {
				if !yield(t, nil) {
					return
				}
			}
			if next.IsZero() {
				return
			}
			limit -= len(page)
			cur = next
		}
	}
}

// tableBlock is how many rows list aligns at a time: a page of ListAllSeq.
const tableBlock = schedstore.ListPageSize

// writeTableSeq prints tasks as list does, as they come: one row per task,
// columns aligned within each block of tableBlock rows, "no tasks" when
// there is none. An error before the first task prints nothing.
func writeTableSeq(w *bufio.Writer, tasks iter.Seq2[*schedstore.Task, error], now time.Time) error {
	var tw *tabwriter.Writer
	n := 0
	for t, err := range tasks {
		if err != nil {
			if tw != nil {
				tw.Flush()
			}
			return err
		}
		if tw == nil {
			tw = newTable(w)
		} else if n%tableBlock == 0 {
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		writeRow(tw, t, now)
		n++
	}
	if tw == nil {
		_, err := fmt.Fprintln(w, "no tasks")
		return err
	}
	return tw.Flush()
}

// writeJSONArray prints tasks as writeJSON prints a []taskView (an
// indented array, "[]" when empty), one element at a time. On an error
// the array is left unclosed; before the first task nothing is printed.
func writeJSONArray(w *bufio.Writer, tasks iter.Seq2[*schedstore.Task, error]) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	n := 0
	for t, err := range tasks {
		if err != nil {
			return err
		}
		sep := ",\n  "
		if n == 0 {
			sep = "[\n  "
		}
		buf.Reset()
		if err := enc.Encode(viewOf(t)); err != nil {
			return err
		}
		w.WriteString(sep)
		if _, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return err // stdout is gone (a closed pipe): stop reading
		}
		n++
	}
	if n == 0 {
		_, err := w.WriteString("[]\n")
		return err
	}
	_, err := w.WriteString("\n]\n")
	return err
}
