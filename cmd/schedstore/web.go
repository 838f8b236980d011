package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/internal/dburl"
	"github.com/flowrra/schedstore/schedule"
)

//go:embed web/templates/*.html web/static/*
var webFiles embed.FS

// Request body limits.
const (
	maxFormBytes = 16 << 10
	maxJSONBytes = 1 << 20
)

// Page sizes.
const (
	pageNextRuns = 5
	pageFires    = 25
	pageTasks    = 500
)

// webServer is `schedstore serve`: the pages, the JSON API and the
// operations endpoints over one Store.
type webServer struct {
	store    schedstore.Store
	dbURL    string // for Scrub and Redact only: never shown as is
	token    string // "": no sign-in (loopback only)
	log      *slog.Logger
	now      func() time.Time
	sessions *sessionStore
	pages    *template.Template
	health   *health
	metrics  http.Handler
}

func newWebServer(store schedstore.Store, dbURL, token string, log *slog.Logger, now func() time.Time, metrics http.Handler) (*webServer, error) {
	pages, err := template.New("").Funcs(template.FuncMap{
		"lower": strings.ToLower,
	}).ParseFS(webFiles, "web/templates/*.html")
	if err != nil {
		return nil, err
	}
	if metrics == nil {
		metrics = http.NotFoundHandler()
	}
	s := &webServer{store: store, dbURL: dbURL, token: token, log: log, now: now,
		sessions: newSessionStore(now), pages: pages, metrics: metrics,
		health: &health{store: store, dbURL: dbURL, log: log}}
	s.health.live.Store(true)
	return s, nil
}

// handler routes every path (Go 1.22 patterns) behind guard.
func (s *webServer) handler() http.Handler {
	mux := http.NewServeMux()
	s.health.register(mux, s.metrics)
	static, _ := fs.Sub(webFiles, "web/static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	mux.HandleFunc("GET /{$}", s.pageList)
	mux.HandleFunc("GET /tasks/{id}", s.pageTask)
	mux.HandleFunc("GET /tasks/{id}/delete", s.pageConfirmDelete)
	mux.HandleFunc("POST /tasks/{id}/delete", s.formDelete)
	mux.HandleFunc("POST /tasks/{id}/pause", s.formAction(actionPause))
	mux.HandleFunc("POST /tasks/{id}/resume", s.formAction(actionResume))
	mux.HandleFunc("POST /tasks/{id}/trigger", s.formAction(actionTrigger))
	mux.HandleFunc("GET /login", s.pageLogin)
	mux.HandleFunc("POST /login", s.formLogin)
	mux.HandleFunc("POST /logout", s.formLogout)

	s.registerAPI(mux)
	return s.guard(apiRouteErrors(mux))
}

type sessionKey struct{}

func withSession(ctx context.Context, s *session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

func sessionOf(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// page is what every template gets.
type page struct {
	Title    string
	CSRF     string
	SignOut  bool   // a token is in use: show "Sign out"
	Database string // the URL, password redacted
	Flash    string
	Now      string
	Data     any
}

func (s *webServer) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, SignOut: s.token != "",
		Now: s.now().UTC().Format("2006-01-02 15:04:05Z"), Data: data, Flash: r.URL.Query().Get("done")}
	if sess := sessionOf(r.Context()); sess != nil && sess.authed {
		// Which database, only to those signed in; never its password.
		p.CSRF, p.Database = sess.csrf, dburl.Redact(s.dbURL)
	}
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, p); err != nil {
		s.log.Error("rendering a page failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// deny answers a refused or failed request: JSON on the API's paths, a
// page elsewhere.
func (s *webServer) deny(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if machinePath(r.URL.Path) {
		writeAPIError(w, status, msg, "")
		return
	}
	securityHeaders(w.Header())
	s.render(w, r, status, "error", http.StatusText(status), errorPage{Status: status, Message: msg})
}

type errorPage struct {
	Status  int
	Message string
}

// fail answers a store error on a page, its status chosen as the API's.
func (s *webServer) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, _ := s.classify(err)
	s.deny(w, r, status, msg)
}

// classify maps an error to a status, a message safe to show (no
// password) and the invalid field, if any.
func (s *webServer) classify(err error) (status int, msg, field string) {
	err = dburl.Scrub(err, s.dbURL)
	var fe *schedstore.FieldError
	switch {
	case errors.As(err, &fe):
		return http.StatusBadRequest, err.Error(), fe.Field
	case errors.Is(err, schedstore.ErrInvalidTask), errors.Is(err, schedule.ErrInvalid):
		return http.StatusBadRequest, err.Error(), ""
	case errors.Is(err, schedstore.ErrNotFound):
		return http.StatusNotFound, err.Error(), ""
	case errors.Is(err, schedstore.ErrAlreadyExists), errors.Is(err, schedstore.ErrConflict):
		return http.StatusConflict, err.Error(), ""
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "the database did not answer in time", ""
	}
	s.log.Error("request failed", "err", err)
	return http.StatusInternalServerError, "database error: " + err.Error(), ""
}

// timeView is an instant as the pages show it.
type timeView struct {
	Set      bool
	UTC      string // 2026-03-01 12:05:00Z
	ISO      string // for <time datetime>
	Relative string // in 3m, 5s ago
}

func (s *webServer) timeOf(t *time.Time) timeView {
	if t == nil || t.IsZero() {
		return timeView{}
	}
	u := t.UTC()
	return timeView{Set: true, UTC: u.Format("2006-01-02 15:04:05Z"), ISO: u.Format(time.RFC3339),
		Relative: relative(u.Sub(s.now()))}
}

// scheduleParts splits a schedule for display: the kind, the expression
// without its zone prefix, and the zone.
func scheduleParts(t *schedstore.Task) (kind, expr, zone string) {
	expr = t.Schedule
	switch t.ScheduleType {
	case schedstore.ScheduleCron:
		kind, zone = "cron", "UTC"
		for _, prefix := range []string{"CRON_TZ=", "TZ="} {
			if rest, ok := strings.CutPrefix(expr, prefix); ok {
				zone, expr, _ = strings.Cut(rest, " ")
				expr = strings.TrimSpace(expr)
			}
		}
	case schedstore.ScheduleInterval:
		kind, zone = "every", "—"
	case schedstore.ScheduleOneTime:
		kind, zone = "once", "UTC"
	default:
		kind = string(t.ScheduleType)
	}
	return kind, expr, zone
}

// taskRow is one line of the schedules table.
type taskRow struct {
	ID, Name, Kind, Expr, Zone string
	Next, Last                 timeView
	Outcome                    string // the last fire's status, "" when none
	OutcomeError               string
	State                      string // active, disabled, paused
	PausedAt                   timeView
	PauseReason                string
	Description                string
}

func (s *webServer) rowOf(t *schedstore.Task, last *schedstore.Fire) taskRow {
	kind, expr, zone := scheduleParts(t)
	row := taskRow{ID: t.ID, Name: t.TaskName, Kind: kind, Expr: expr, Zone: zone,
		Next: s.timeOf(t.NextRunAt), Last: s.timeOf(t.LastRunAt), Description: t.Description,
		PauseReason: t.PauseReason, PausedAt: s.timeOf(t.PausedAt)}
	switch {
	case t.PausedAt != nil:
		row.State = "paused"
	case t.Enabled:
		row.State = "active"
	default:
		row.State = "disabled"
	}
	if last != nil {
		row.Outcome, row.OutcomeError = string(last.Status), oneLine(last.Error, 200)
	}
	return row
}

type listPage struct {
	Rows                    []taskRow
	Active, Paused, Stopped int // among the rows shown
	Total                   int // tasks stored
}

func (s *webServer) pageList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tasks, err := s.store.ListAll(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := listPage{Total: len(tasks)}
	// One ledger read per row: the page shows at most pageTasks of them.
	if len(tasks) > pageTasks {
		tasks = tasks[:pageTasks]
	}
	for _, t := range tasks {
		var last *schedstore.Fire
		if fires, err := s.store.ListFires(ctx, t.ID, 1); err == nil && len(fires) > 0 {
			last = &fires[0]
		}
		row := s.rowOf(t, last)
		switch row.State {
		case "active":
			data.Active++
		case "paused":
			data.Paused++
		default:
			data.Stopped++
		}
		data.Rows = append(data.Rows, row)
	}
	s.render(w, r, http.StatusOK, "list", "Schedules", data)
}

// taskPage is one schedule's page: what `describe` shows.
type taskPage struct {
	Row      taskRow
	Task     taskView
	Args     string
	Kwargs   string
	NextRuns []timeView
	Fires    []fireRow
	Later    string // why a button is not wired yet
}

type fireRow struct {
	Scheduled timeView
	Status    string
	Attempts  int
	Late      string
	Took      string
	Owner     string
	Error     string
}

func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // html/template escapes when it writes the page
	_ = enc.Encode(v)
	return strings.TrimSpace(buf.String())
}

func (s *webServer) pageTask(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, err := s.store.Get(ctx, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fires, err := s.store.ListFires(ctx, t.ID, pageFires)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var last *schedstore.Fire
	if len(fires) > 0 {
		last = &fires[0]
	}
	v := viewOf(t)
	data := taskPage{Row: s.rowOf(t, last), Task: v, Args: jsonText(v.Args), Kwargs: jsonText(v.Kwargs)}
	for _, at := range describeTask(t, pageNextRuns, time.Now()).NextRuns {
		if when, err := time.Parse(time.RFC3339Nano, at); err == nil {
			data.NextRuns = append(data.NextRuns, s.timeOf(&when))
		}
	}
	for _, f := range fires {
		row := fireRow{Scheduled: s.timeOf(&f.ScheduledFor), Status: string(f.Status),
			Attempts: f.Attempts, Late: "-", Took: "-", Owner: f.Owner, Error: f.Error}
		if f.StartedAt != nil {
			row.Late, row.Took = shortDuration(f.StartedAt.Sub(f.ScheduledFor)), shortDuration(f.FinishedAt.Sub(*f.StartedAt))
		}
		data.Fires = append(data.Fires, row)
	}
	s.render(w, r, http.StatusOK, "task", t.TaskName, data)
}

// shortDuration writes d for a table cell: "250ms", "4.2s", "3m5s",
// "2h5m", "3d4h".
func shortDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + shortDuration(-d)
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return strings.TrimPrefix(relative(d), "in ")
}

func (s *webServer) pageConfirmDelete(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "confirm", "Delete "+t.TaskName, s.rowOf(t, nil))
}

func (s *webServer) formDelete(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(w, r) {
		return
	}
	id := r.PathValue("id")
	deleted, err := s.store.Delete(r.Context(), id)
	if err == nil && !deleted {
		err = schedstore.ErrNotFound
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("task deleted", "id", id, "via", "web")
	http.Redirect(w, r, "/?done="+url.QueryEscape("Deleted "+id), http.StatusSeeOther)
}

const maxReasonRunes = schedstore.MaxPauseReasonBytes // the form's maxlength; the store checks bytes

type loginPage struct {
	Next  string
	Error string
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *webServer) pageLogin(w http.ResponseWriter, r *http.Request) {
	if s.token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "Sign in", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *webServer) formLogin(w http.ResponseWriter, r *http.Request) {
	if s.token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.deny(w, r, http.StatusBadRequest, "unreadable form")
		return
	}
	next := safeNext(r.PostFormValue("next"))
	if !equalSecret(r.PostFormValue("token"), s.token) {
		s.log.Warn("sign-in refused", "remote", r.RemoteAddr)
		time.Sleep(250 * time.Millisecond) // slows guessing
		s.render(w, r, http.StatusUnauthorized, "login", "Sign in", loginPage{Next: next, Error: "That token is not right."})
		return
	}
	if old := s.sessions.get(r); old != nil {
		s.sessions.drop(old) // a new session ID on sign-in: no fixation
	}
	setSessionCookie(w, r, s.sessions.create(true))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *webServer) formLogout(w http.ResponseWriter, r *http.Request) {
	if !s.checkCSRF(w, r) {
		return
	}
	if sess := sessionOf(r.Context()); sess != nil {
		s.sessions.drop(sess)
	}
	clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
