package main

import (
	"context"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/runner"
)

// runObsFlags are run's observability options: --metrics-addr,
// --metric-task-names and --log-format.
type runObsFlags struct {
	metricsAddr string
	taskNames   bool
	logFormat   string
}

func (o *runObsFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&o.metricsAddr, "metrics-addr", "", "serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT")
	c.Flags().BoolVar(&o.taskNames, "metric-task-names", false, "label per-task metrics with task_name (one series per task name)")
	c.Flags().StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
}

// logger is checked before the database is opened.
func (o *runObsFlags) logger(a *app) (*slog.Logger, error) { return newLogger(a.stderr, o.logFormat) }

// run runs r (once or in a loop), with the metrics endpoints when asked.
func (o *runObsFlags) run(ctx context.Context, a *app, r *runner.Runner, s schedstore.Store, once bool) error {
	loop := r.Run
	if once {
		loop = r.RunOnce
	}
	r.MetricTaskNames = o.taskNames
	if o.metricsAddr == "" {
		return loop(ctx)
	}
	tel, err := newTelemetry()
	if err != nil {
		return err
	}
	defer tel.shutdown()
	r.MeterProvider = tel.meters
	h := &health{store: s, dbURL: a.databaseURL(), log: r.Logger}
	return runObserved(ctx, o.metricsAddr, h, tel, r.Logger, loop)
}
