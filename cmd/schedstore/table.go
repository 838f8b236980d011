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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTASK\tSCHEDULE\tNEXT RUN (UTC)\tLAST RUN (UTC)\tENABLED\tPRIORITY")
	for _, t := range tasks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			t.ID, t.TaskName, scheduleText(t), when(t.NextRunAt, now), when(t.LastRunAt, now),
			yesNo(t.Enabled), strconv.Itoa(t.Priority))
	}
	return tw.Flush()
}
