package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/taskrow"
	"github.com/flowrra/schedstore/schedule"
)

func (a *app) describeCmd() *cobra.Command {
	var (
		asJSON      bool
		next, fires int
	)
	c := &cobra.Command{
		Use:   "describe ID [--next N] [--json]",
		Short: "Explain a task: schedule, zone, policies, pause, next runs and recent fires",
		Long: `Explain a task: its schedule and the zone it is read in, its policies, whether
it is paused and why, its next N run times (in UTC and in the schedule's zone,
with the start delay its jitter gives each, marked "+jitter"), and its latest
fires with their outcomes.

The next runs of an enabled task start at its next run time; those of a paused
task are the runs it would make if resumed now (marked so); a task disabled
without a pause, or finished, has none.`,
		Example: `  schedstore describe reports.daily
  schedstore describe reports.daily --next 10 --json | jq -r '.next_runs[]'`,
		Args: exactArgs(1),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	c.Flags().IntVar(&next, "next", 5, "how many next run times to show")
	c.Flags().IntVar(&fires, "fires", 5, "how many recent fires to show (0: none)")
	c.RunE = a.action(func(ctx context.Context, args []string) error {
		if next < 0 || next > 1000 {
			return usagef("--next must be between 0 and 1000, got %d", next)
		}
		if fires < 0 {
			return usagef("--fires must be 0 or more, got %d", fires)
		}
		b, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer b.Close()
		t, err := b.Get(ctx, args[0])
		if err != nil {
			return err
		}
		var recent []schedstore.Fire
		if fires > 0 {
			if recent, err = b.ListFires(ctx, t.ID, fires); err != nil {
				return err
			}
		}
		now := a.now()
		d := describeTask(t, next, now)
		d.RecentFires = fireViews(recent)
		if asJSON {
			return writeJSON(a.stdout, d)
		}
		return writeDescription(a.stdout, t, d, recent, now)
	})
	return c
}

// description is describe's --json form.
type description struct {
	ID           string     `json:"id"`
	TaskName     string     `json:"task_name"`
	ScheduleType string     `json:"schedule_type"`
	Schedule     string     `json:"schedule"`
	Zone         string     `json:"zone"`
	Enabled      bool       `json:"enabled"`
	Paused       bool       `json:"paused"`
	PauseReason  string     `json:"pause_reason"`
	PausedAt     *time.Time `json:"paused_at"`
	Misfire      string     `json:"misfire"`
	MaxCatchUp   int        `json:"max_catch_up"`
	MisfireGrace string     `json:"misfire_grace"`
	Overlap      string     `json:"overlap"`
	Jitter       string     `json:"jitter"`
	// NextRuns are the nominal run times (RFC 3339, UTC); NextStarts the
	// same with each one's jitter added, when they differ.
	NextRuns    []string      `json:"next_runs"`
	NextDetails []nextRunView `json:"next_run_details"`
	// NextRunsIfResumed: the task is paused, and NextRuns are the runs it
	// would make if resumed now.
	NextRunsIfResumed bool       `json:"next_runs_if_resumed"`
	RecentFires       []fireView `json:"recent_fires"`
}

type nextRunView struct {
	At       string `json:"at"`        // RFC 3339, UTC
	Local    string `json:"local"`     // RFC 3339 in the schedule's zone
	Jitter   string `json:"jitter"`    // the start delay, a Go duration
	StartsAt string `json:"starts_at"` // At + Jitter, RFC 3339, UTC
}

func describeTask(t *schedstore.Task, n int, now time.Time) description {
	zone := scheduleZone(t)
	d := description{
		ID: t.ID, TaskName: t.TaskName, ScheduleType: string(t.ScheduleType), Schedule: t.Schedule,
		Zone: zone.String(), Enabled: t.Enabled, Paused: t.PausedAt != nil, PauseReason: t.PauseReason,
		PausedAt: utcPtr(t.PausedAt), Misfire: string(t.Misfire), MaxCatchUp: t.MaxCatchUp,
		MisfireGrace: t.MisfireGrace.String(), Overlap: string(t.Overlap), Jitter: t.Jitter.String(),
		NextRuns: []string{}, NextDetails: []nextRunView{}, RecentFires: []fireView{},
	}
	var first *time.Time
	switch {
	case t.Enabled:
		first = t.NextRunAt
	case t.PausedAt != nil:
		first, d.NextRunsIfResumed = taskrow.NextSlot(t, now), true
	}
	for _, at := range nextRuns(t, first, n) {
		j := schedule.Jitter(t.ID, at, t.Jitter)
		d.NextRuns = append(d.NextRuns, at.UTC().Format(time.RFC3339Nano))
		d.NextDetails = append(d.NextDetails, nextRunView{
			At: at.UTC().Format(time.RFC3339Nano), Local: at.In(zone).Format(time.RFC3339Nano),
			Jitter: j.String(), StartsAt: at.Add(j).UTC().Format(time.RFC3339Nano),
		})
	}
	return d
}

// nextRuns lists n runs from first on, as a scheduler firing each on time
// would compute them.
func nextRuns(t *schedstore.Task, first *time.Time, n int) []time.Time {
	if first == nil || n <= 0 {
		return nil
	}
	out := []time.Time{first.UTC()}
	s, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil || t.ScheduleType == schedstore.ScheduleOneTime {
		return out // a one-time task runs once
	}
	return append(out, schedule.NextN(s, *first, n-1)...)
}

// scheduleZone is the zone a schedule is read in: a cron expression's
// CRON_TZ= (or TZ=) prefix, a one-time instant's offset, else UTC.
func scheduleZone(t *schedstore.Task) *time.Location {
	switch t.ScheduleType {
	case schedstore.ScheduleCron:
		for _, p := range []string{"CRON_TZ=", "TZ="} {
			if rest, ok := strings.CutPrefix(t.Schedule, p); ok {
				name := rest
				if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
					name = rest[:i]
				}
				if loc, err := time.LoadLocation(name); err == nil {
					return loc
				}
			}
		}
	case schedstore.ScheduleOneTime:
		if at, err := time.Parse(time.RFC3339Nano, t.Schedule); err == nil {
			return at.Location()
		}
	}
	return time.UTC
}

func writeDescription(w io.Writer, t *schedstore.Task, d description, recent []schedstore.Fire, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, kv := range [][2]string{
		{"ID", t.ID},
		{"Task", t.TaskName},
		{"Schedule", scheduleText(t)},
		{"Zone", d.Zone},
		{"Enabled", yesNo(t.Enabled)},
		{"Paused", pauseText(t, now)},
		{"Misfire", misfireText(t)},
		{"Overlap", string(t.Overlap)},
		{"Jitter", durationOrNone(t.Jitter)},
		{"Last run", when(t.LastRunAt, now)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case len(d.NextDetails) == 0:
		fmt.Fprintln(w, "Next runs: none")
	case d.NextRunsIfResumed:
		fmt.Fprintln(w, "Next runs (if resumed now):")
	default:
		fmt.Fprintln(w, "Next runs:")
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, n := range d.NextDetails {
		at, _ := time.Parse(time.RFC3339Nano, n.At)
		line := "  " + at.Format("2006-01-02 15:04:05Z") + "\t" + at.In(scheduleZone(t)).Format("2006-01-02 15:04:05 MST")
		if n.Jitter != "0s" {
			starts, _ := time.Parse(time.RFC3339Nano, n.StartsAt)
			line += "\t+jitter " + n.Jitter + " -> starts " + starts.Format("15:04:05.000Z")
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(recent) == 0 {
		fmt.Fprintln(w, "Recent fires: none")
		return nil
	}
	fmt.Fprintln(w, "Recent fires:")
	return writeFires(w, recent, now)
}
