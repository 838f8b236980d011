package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
)

// readyTimeout bounds the database ping behind /readyz.
const readyTimeout = 2 * time.Second

// newLogger returns the command's logger: --log-format text or json, on w.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usagef("--log-format must be text or json, got %q", format)
}

// telemetry is what a command exposes on /metrics: an OTel SDK meter
// provider whose Prometheus exporter writes to a registry of its own (with
// the Go runtime and process collectors).
type telemetry struct {
	meters  *sdkmetric.MeterProvider
	metrics http.Handler
}

func newTelemetry() (*telemetry, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes))
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return &telemetry{
		meters:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp)),
		metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
	}, nil
}

func (t *telemetry) shutdown() { _ = t.meters.Shutdown(context.Background()) }

// health answers /healthz and /readyz. live is true while the process runs
// its loop; ready pings the database each time it is asked.
type health struct {
	live  atomic.Bool
	store schedstore.Store
	dbURL string // to scrub its password from errors
	log   *slog.Logger
}

func (h *health) register(mux *http.ServeMux, metrics http.Handler) {
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !h.live.Load() {
			plain(w, http.StatusServiceUnavailable, "stopping\n")
			return
		}
		plain(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := h.ping(r.Context()); err != nil {
			h.log.Warn("readiness check failed", "err", err)
			plain(w, http.StatusServiceUnavailable, "database unavailable\n")
			return
		}
		plain(w, http.StatusOK, "ok\n")
	})
}

// ping asks the database one indexed question, within readyTimeout.
func (h *health) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	_, _, err := h.store.NextDue(ctx)
	return dburl.Scrub(err, h.dbURL)
}

func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// listen opens addr for serving; its error names the address.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// serveHTTP serves h on ln until ctx ends, then shuts down within 5 s.
// It returns once the server has stopped.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runObserved is `run` with --metrics-addr: the metrics, health and
// readiness endpoints are served while loop runs.
func runObserved(ctx context.Context, addr string, h *health, tel *telemetry, log *slog.Logger, loop func(context.Context) error) error {
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	log.Info("serving metrics", "addr", ln.Addr().String(), "paths", "/metrics /healthz /readyz")
	mux := http.NewServeMux()
	h.register(mux, tel.metrics)
	srvCtx, stopSrv := context.WithCancel(context.WithoutCancel(ctx))
	srvDone := make(chan error, 1)
	go func() { srvDone <- serveHTTP(srvCtx, ln, mux, log) }()
	h.live.Store(true)
	err = loop(ctx)
	h.live.Store(false)
	stopSrv()
	if serr := <-srvDone; serr != nil && err == nil {
		log.Error("metrics server failed", "err", serr)
	}
	return err
}
