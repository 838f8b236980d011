package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/flowrra/schedstore"
)

// writeTable prints tasks as list does: one aligned row per task.
func writeTable(w io.Writer, tasks []*schedstore.Task, now time.Time) error {
	// A PAUSE REASON column only when a task is paused; ENABLED says
	// "paused" for a paused task.
	paused := slices.ContainsFunc(tasks, func(t *schedstore.Task) bool { return t.PausedAt != nil })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "ID\tTASK\tSCHEDULE\tNEXT RUN (UTC)\tLAST RUN (UTC)\tENABLED\tPRIORITY"
	if paused {
		header += "\tPAUSE REASON"
	}
	fmt.Fprintln(tw, header)
	for _, t := range tasks {
		enabled := yesNo(t.Enabled)
		if t.PausedAt != nil {
			enabled = "paused"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s",
			t.ID, t.TaskName, scheduleText(t), when(t.NextRunAt, now), when(t.LastRunAt, now),
			enabled, strconv.Itoa(t.Priority))
		if paused {
			reason := "-"
			if t.PausedAt != nil {
				reason = oneLine(t.PauseReason, 60)
			}
			fmt.Fprintf(tw, "\t%s", reason)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
