package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// The JSON API of `schedstore serve`, under /api/v1, in the shapes of the
// command's --json output (taskView, fireView). Errors are
// {"error": "...", "field": "Schedule"} (field only for invalid input) with
// 400, 401, 403, 404, 409, 413, 415, 501 or 500.
func (s *webServer) registerAPI(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/tasks", s.apiList)
	mux.HandleFunc("POST /api/v1/tasks", s.apiCreate)
	mux.HandleFunc("GET /api/v1/tasks/{id}", s.apiGet)
	mux.HandleFunc("DELETE /api/v1/tasks/{id}", s.apiDelete)
	mux.HandleFunc("POST /api/v1/tasks/{id}/pause", s.apiAction(actionPause))
	mux.HandleFunc("POST /api/v1/tasks/{id}/resume", s.apiAction(actionResume))
	mux.HandleFunc("POST /api/v1/tasks/{id}/trigger", s.apiAction(actionTrigger))
	mux.HandleFunc("GET /api/v1/tasks/{id}/fires", s.apiFires)
	mux.HandleFunc("GET /api/v1/tasks/{id}/describe", s.apiDescribe)
}

// apiRouteErrors turns the mux's own 404 and 405 answers on the API's
// paths into JSON errors.
func apiRouteErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" && machinePath(r.URL.Path) {
			w = &jsonErrorWriter{ResponseWriter: w, msg: "no such API route: " + r.Method + " " + r.URL.Path}
		}
		mux.ServeHTTP(w, r)
	})
}

type jsonErrorWriter struct {
	http.ResponseWriter
	msg     string
	written bool
}

func (w *jsonErrorWriter) WriteHeader(status int) {
	if status < 400 {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	if status == http.StatusMethodNotAllowed {
		w.msg = "method not allowed; allowed: " + w.Header().Get("Allow")
	}
	w.written = true
	writeAPIError(w.ResponseWriter, status, w.msg, "")
}

func (w *jsonErrorWriter) Write(b []byte) (int, error) {
	if w.written {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func writeAPIError(w http.ResponseWriter, status int, msg, field string) {
	writeAPI(w, status, apiError{Error: msg, Field: field})
}

func writeAPI(w http.ResponseWriter, status int, v any) {
	securityHeaders(w.Header())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // HTML-escaped: <, > and & as \u003c..., harmless in any context
}

func (s *webServer) apiFail(w http.ResponseWriter, err error) {
	status, msg, field := s.classify(err)
	writeAPIError(w, status, msg, field)
}

// readJSON decodes the request's body into v: application/json, at most
// maxJSONBytes, one value, no unknown fields. An empty body is allowed
// when optional. It answers the request itself when it returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any, optional bool) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			writeAPIError(w, http.StatusUnsupportedMediaType, "the body must be application/json", "")
			return false
		}
	} else if !optional {
		writeAPIError(w, http.StatusUnsupportedMediaType, "the body must be application/json", "")
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeAPIError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxJSONBytes), "")
		return false
	case err != nil:
		writeAPIError(w, http.StatusBadRequest, "could not read the body", "")
		return false
	case len(strings.TrimSpace(string(body))) == 0:
		if optional {
			return true
		}
		writeAPIError(w, http.StatusBadRequest, "the body is empty; send a JSON object", "")
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeAPIError(w, http.StatusBadRequest, "invalid JSON: "+err.Error(), jsonField(err))
		return false
	}
	if dec.More() {
		writeAPIError(w, http.StatusBadRequest, "invalid JSON: text after the object", "")
		return false
	}
	return true
}

// jsonField names the JSON field a decoding error is about, if any.
func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
	}
	return ""
}

func (s *webServer) apiList(w http.ResponseWriter, r *http.Request) {
	tasks, err := s.store.ListAll(r.Context())
	if err != nil {
		s.apiFail(w, err)
		return
	}
	views := make([]taskView, 0, len(tasks))
	for _, t := range tasks {
		views = append(views, viewOf(t))
	}
	writeAPI(w, http.StatusOK, views)
}

// taskInput is POST /api/v1/tasks's body: the shape of `get --json`, id
// optional. The stored times (last_run_at, next_run_at, created_at,
// updated_at) are accepted and ignored: the first run is computed now, as
// `add` does.
type taskInput struct {
	ID           string         `json:"id"`
	TaskName     string         `json:"task_name"`
	ScheduleType string         `json:"schedule_type"`
	Schedule     string         `json:"schedule"`
	Args         []any          `json:"args"`
	Kwargs       map[string]any `json:"kwargs"`
	Enabled      *bool          `json:"enabled"`
	Description  *string        `json:"description"`
	MaxRetries   *int           `json:"max_retries"`
	RetryDelay   *float64       `json:"retry_delay"` // seconds
	Priority     int            `json:"priority"`
	// The policies, as get --json prints them (durations as Go duration
	// strings).
	Misfire      string `json:"misfire"`
	MaxCatchUp   int    `json:"max_catch_up"`
	MisfireGrace string `json:"misfire_grace"`
	Overlap      string `json:"overlap"`
	Jitter       string `json:"jitter"`

	// Read-only in get --json: accepted, and ignored (a new task is not
	// paused; Store.Pause pauses).
	Paused      json.RawMessage `json:"paused"`
	PauseReason json.RawMessage `json:"pause_reason"`
	PausedAt    json.RawMessage `json:"paused_at"`
	LastRunAt   json.RawMessage `json:"last_run_at"`
	NextRunAt   json.RawMessage `json:"next_run_at"`
	CreatedAt   json.RawMessage `json:"created_at"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
}

// task builds the task to store, validated, its first run computed at now.
func (in *taskInput) task(now time.Time) (*schedstore.Task, error) {
	typ := schedstore.ScheduleType(in.ScheduleType)
	if in.ScheduleType == "once" {
		typ = schedstore.ScheduleOneTime
	}
	t := &schedstore.Task{ID: in.ID, TaskName: in.TaskName, ScheduleType: typ, Schedule: strings.TrimSpace(in.Schedule),
		Args: in.Args, Kwargs: in.Kwargs, Enabled: true, MaxRetries: schedstore.DefaultMaxRetries,
		RetryDelay: schedstore.DefaultRetryDelay, Priority: in.Priority}
	if t.Args == nil {
		t.Args = []any{}
	}
	if t.Kwargs == nil {
		t.Kwargs = map[string]any{}
	}
	if in.Enabled != nil {
		t.Enabled = *in.Enabled
	}
	if in.Description != nil {
		t.Description = *in.Description
	}
	if in.MaxRetries != nil {
		t.MaxRetries = *in.MaxRetries
	}
	if in.RetryDelay != nil {
		d := *in.RetryDelay
		if d < 0 || d > float64(365*24*time.Hour/time.Second) {
			return nil, &schedstore.FieldError{Field: "RetryDelay", Reason: "retry_delay must be seconds, 0 or more"}
		}
		t.RetryDelay = time.Duration(d * float64(time.Second))
	}
	t.Misfire, t.MaxCatchUp = schedstore.MisfirePolicy(in.Misfire), in.MaxCatchUp
	t.Overlap = schedstore.OverlapPolicy(in.Overlap)
	for _, d := range []struct {
		field, text string
		into        *time.Duration
	}{{"MisfireGrace", in.MisfireGrace, &t.MisfireGrace}, {"Jitter", in.Jitter, &t.Jitter}} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil {
			return nil, &schedstore.FieldError{Field: d.field, Reason: fmt.Sprintf("%q is not a Go duration such as 90s or 5m", d.text)}
		}
		*d.into = v
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	sched, err := schedule.Parse(string(t.ScheduleType), t.Schedule)
	if err != nil {
		return nil, &schedstore.FieldError{Field: "Schedule", Reason: err.Error()}
	}
	if first := sched.First(now); !first.IsZero() {
		t.NextRunAt = &first
	}
	return t, nil
}

func (s *webServer) apiCreate(w http.ResponseWriter, r *http.Request) {
	var in taskInput
	if !readJSON(w, r, &in, false) {
		return
	}
	t, err := in.task(s.now())
	if err == nil {
		err = s.store.Create(r.Context(), t)
	}
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.log.Info("task created", "id", t.ID, "task", t.TaskName, "via", "api")
	w.Header().Set("Location", "/api/v1/tasks/"+url.PathEscape(t.ID))
	writeAPI(w, http.StatusCreated, viewOf(t))
}

func (s *webServer) apiGet(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	writeAPI(w, http.StatusOK, viewOf(t))
}

func (s *webServer) apiDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	deleted, err := s.store.Delete(r.Context(), id)
	if err == nil && !deleted {
		err = fmt.Errorf("%w: %q", schedstore.ErrNotFound, id)
	}
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.log.Info("task deleted", "id", id, "via", "api")
	w.WriteHeader(http.StatusNoContent)
}

// fireLimit reads ?limit= (default 20, 0 means all, at most 1000).
func fireLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 20, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		return 0, errors.New("limit must be a whole number from 0 to 1000")
	}
	if n == 0 {
		n = 1000
	}
	return n, nil
}

func (s *webServer) apiFires(w http.ResponseWriter, r *http.Request) {
	limit, err := fireLimit(r)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error(), "limit")
		return
	}
	id := r.PathValue("id")
	if _, err := s.store.Get(r.Context(), id); err != nil {
		s.apiFail(w, err)
		return
	}
	fires, err := s.store.ListFires(r.Context(), id, limit)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	writeAPI(w, http.StatusOK, fireViews(fires))
}

func (s *webServer) apiDescribe(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	fires, err := s.store.ListFires(r.Context(), t.ID, pageFires)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	// The same object as `schedstore describe ID --json`.
	d := describeTask(t, pageNextRuns, time.Now())
	d.RecentFires = fireViews(fires)
	writeAPI(w, http.StatusOK, d)
}
