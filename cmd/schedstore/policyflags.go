package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
)

// policyFlags are the schedule policy options of add and set.
type policyFlags struct {
	misfire, overlap     string
	maxCatchUp           int
	misfireGrace, jitter time.Duration
}

func (f *policyFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.misfire, "misfire", string(schedstore.MisfireOnce),
		"occurrences missed while no scheduler ran: once (fire one for all), skip (fire none) or all (fire each, up to --max-catch-up)")
	fl.IntVar(&f.maxCatchUp, "max-catch-up", schedstore.DefaultMaxCatchUp, "with --misfire all, fire at most this many missed occurrences (0: the default)")
	fl.DurationVar(&f.misfireGrace, "misfire-grace", 0, "an occurrence that would start later than this after its time is recorded missed instead (0: no limit), e.g. 5m")
	fl.StringVar(&f.overlap, "overlap", string(schedstore.OverlapSkip),
		"occurrences due while the previous one still runs: skip, or buffer_one (run the latest as soon as it ends)")
	fl.DurationVar(&f.jitter, "jitter", 0, "delay each start by up to this much, the same delay on every scheduler (0: none), e.g. 30s")
}

// apply copies the policy flags into t: all of them (changedOnly false,
// as for add) or only those given on the command line (set).
func (f *policyFlags) apply(c *cobra.Command, t *schedstore.Task, changedOnly bool) {
	given := func(name string) bool { return !changedOnly || c.Flags().Changed(name) }
	if given("misfire") {
		t.Misfire = schedstore.MisfirePolicy(f.misfire)
	}
	if given("max-catch-up") {
		t.MaxCatchUp = f.maxCatchUp
	}
	if given("misfire-grace") {
		t.MisfireGrace = f.misfireGrace
	}
	if given("overlap") {
		t.Overlap = schedstore.OverlapPolicy(f.overlap)
	}
	if given("jitter") {
		t.Jitter = f.jitter
	}
}
