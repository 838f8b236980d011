package main

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"
)

// envServeToken is serve's token when --token is not given.
const envServeToken = "SCHEDSTORE_SERVE_TOKEN"

// minTokenLength keeps guessable tokens out.
const minTokenLength = 16

func (a *app) serveCmd() *cobra.Command {
	var addr, token, logFormat string
	c := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--token TOKEN]",
		Short: "Serve the web page, the JSON API and the metrics on one port",
		Long: `Serve, on one port:

  /                 the schedules: next and last run, last outcome, paused and why;
                    one page per schedule with its next runs and fire history, and
                    buttons to pause, resume, trigger and delete it
  /api/v1/...       the JSON API, in the shapes of --json:
                      GET    /api/v1/tasks              list
                      POST   /api/v1/tasks              create (a get --json object; id optional)
                      GET    /api/v1/tasks/ID           get
                      DELETE /api/v1/tasks/ID           delete
                      POST   /api/v1/tasks/ID/pause     {"reason": "..."} (optional)
                      POST   /api/v1/tasks/ID/resume
                      POST   /api/v1/tasks/ID/trigger
                      GET    /api/v1/tasks/ID/fires     ?limit=N
                      GET    /api/v1/tasks/ID/describe
                    errors are {"error": ..., "field": ...} with 400, 404, 409, ...
  /metrics          Prometheus metrics
  /healthz          200 while the server runs
  /readyz           200 while the database answers (within 2 s), else 503

With --token (or $SCHEDSTORE_SERVE_TOKEN; at least 16 characters), every
request needs it: programs send "Authorization: Bearer TOKEN", people sign in
once in the browser (an HttpOnly, SameSite=Strict session cookie). Without a
token, serve listens only on a loopback address and answers only to
localhost. Forms carry a CSRF token; cross-origin changes are refused.

Pause, resume and trigger answer 501 Not Implemented for now: they wait for
the Store calls that do them. Logs go to stderr.`,
		Example: `  schedstore serve                                   # http://127.0.0.1:8080
  SCHEDSTORE_SERVE_TOKEN=$(openssl rand -hex 24) schedstore serve --addr :8080
  curl -H "Authorization: Bearer $SCHEDSTORE_SERVE_TOKEN" localhost:8080/api/v1/tasks`,
		Args: exactArgs(0),
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	c.Flags().StringVar(&token, "token", "", "require this token (default $"+envServeToken+")")
	c.Flags().StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	c.RunE = a.action(func(ctx context.Context, _ []string) error {
		log, err := newLogger(a.stderr, logFormat)
		if err != nil {
			return err
		}
		if token == "" {
			token = strings.TrimSpace(a.getenv(envServeToken))
		}
		if token != "" && len(token) < minTokenLength {
			return usagef("the token must be at least %d characters long", minTokenLength)
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return usagef("--addr must be HOST:PORT, got %q", addr)
		}
		if token == "" && !isLoopbackHost(host) {
			return usagef("refusing to serve on %s without a token: anyone who can reach it could change your schedules; "+
				"set --token or $%s, or listen on 127.0.0.1", addr, envServeToken)
		}
		s, err := a.open(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		tel, err := newTelemetry()
		if err != nil {
			return err
		}
		defer tel.shutdown()
		srv, err := newWebServer(s, a.databaseURL(), token, log, a.now, tel.metrics)
		if err != nil {
			return err
		}
		ln, err := listen(addr)
		if err != nil {
			return err
		}
		log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "token", token != "")
		// The address as it is bound, for scripts and tests (--addr :0).
		fmt.Fprintf(a.stderr, "schedstore: serving on http://%s/\n", ln.Addr())
		err = serveHTTP(ctx, ln, srv.handler(), log)
		srv.health.live.Store(false)
		return err
	})
	return c
}
