package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/flowrra/schedstore"
)

// writeTable prints tasks as list does: one aligned row per task.
func writeTable(w io.Writer, tasks []*schedstore.Task, now time.Time) error {
	tw := newTable(w)
	for _, t := range tasks {
		writeRow(tw, t, now)
	}
	return tw.Flush()
}

// newTable starts list's table: its header, aligned with the rows that
// follow until Flush.
func newTable(w io.Writer) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTASK\tSCHEDULE\tNEXT RUN (UTC)\tLAST RUN (UTC)\tENABLED\tPRIORITY")
	return tw
}

// writeRow prints one task's row of list's table. A paused task says
// "paused" under ENABLED, and its pause reason follows the row: list
// streams, so it cannot know ahead whether a column of reasons is needed.
func writeRow(tw *tabwriter.Writer, t *schedstore.Task, now time.Time) {
	enabled := yesNo(t.Enabled)
	if t.PausedAt != nil {
		enabled = "paused"
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s",
		t.ID, t.TaskName, scheduleText(t), when(t.NextRunAt, now), when(t.LastRunAt, now),
		enabled, strconv.Itoa(t.Priority))
	if t.PausedAt != nil && t.PauseReason != "" {
		fmt.Fprintf(tw, "\t%s", oneLine(t.PauseReason, 60))
	}
	fmt.Fprintln(tw)
}
