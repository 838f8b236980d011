package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
)

const testToken = "test-token-0123456789abcdef"

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveHarness is `schedstore serve` over httptest, with a client that
// keeps cookies and does not follow redirects.
type serveHarness struct {
	t      *testing.T
	store  schedstore.Store
	srv    *httptest.Server
	client *http.Client
	logs   *syncBuffer
	web    *webServer
}

func newServeHarness(t *testing.T, dbURL, token string) *serveHarness {
	t.Helper()
	s, err := adapter.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newServeHarnessOn(t, s, dbURL, token)
}

func newServeHarnessOn(t *testing.T, s schedstore.Store, dbURL, token string) *serveHarness {
	t.Helper()
	logs := &syncBuffer{}
	tel, err := newTelemetry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tel.shutdown)
	web, err := newWebServer(s, dbURL, token, slog.New(slog.NewTextHandler(logs, nil)), time.Now, tel.metrics)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.handler())
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &serveHarness{t: t, store: s, srv: srv, client: client, logs: logs, web: web}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (h *serveHarness) do(method, path string, body io.Reader, header map[string]string) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// api calls the API with the token (when the harness has one) and a JSON body.
func (h *serveHarness) api(method, path, body string) response {
	h.t.Helper()
	hdr := map[string]string{}
	if h.web.token != "" {
		hdr["Authorization"] = "Bearer " + h.web.token
	}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
		hdr["Content-Type"] = "application/json"
	}
	return h.do(method, path, r, hdr)
}

func (h *serveHarness) form(path string, values url.Values) response {
	h.t.Helper()
	return h.do(http.MethodPost, path, strings.NewReader(values.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page's form.
func (h *serveHarness) csrf(path string) string {
	h.t.Helper()
	r := h.do(http.MethodGet, path, nil, nil)
	m := csrfInput.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		h.t.Fatalf("GET %s: %d, no CSRF token in the page:\n%s", path, r.status, r.body)
	}
	return m[1]
}

func (h *serveHarness) signIn() {
	h.t.Helper()
	r := h.form("/login", url.Values{"token": {h.web.token}, "next": {"/"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		h.t.Fatalf("sign in: %d %s", r.status, r.body)
	}
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body: %s", what, r.status, status, r.body)
	}
}

func wantAPIError(t *testing.T, what string, r response, status int, field string) {
	t.Helper()
	wantStatus(t, what, r, status)
	var e apiError
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
		t.Errorf("%s: body is not a JSON error: %s", what, r.body)
	}
	if e.Field != field {
		t.Errorf("%s: field %q, want %q (%s)", what, e.Field, field, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
}

// The API: every route, its statuses and the shapes of --json.
func TestServeAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		h := newServeHarness(t, d.fresh(t), testToken)

		r := h.api("POST", "/api/v1/tasks", `{"id": "reports.daily", "task_name": "reports.daily", "schedule_type": "cron",
			"schedule": "0 9 * * MON-FRI", "args": [1, 12345678901234567890], "kwargs": {"to": "ops"}, "priority": 5,
			"description": "morning report", "max_retries": 2, "retry_delay": 1.5, "next_run_at": null}`)
		wantStatus(t, "create", r, http.StatusCreated)
		if loc := r.header.Get("Location"); loc != "/api/v1/tasks/reports.daily" {
			t.Errorf("Location = %q", loc)
		}
		stored, err := h.store.Get(context.Background(), "reports.daily")
		if err != nil {
			t.Fatal(err)
		}
		if stored.RetryDelay != 1500*time.Millisecond || stored.MaxRetries != 2 || stored.Priority != 5 ||
			stored.NextRunAt == nil || stored.Args[1].(json.Number).String() != "12345678901234567890" {
			t.Errorf("stored %+v", stored)
		}
		// GET returns what `get --json` prints.
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(viewOf(stored)); err != nil {
			t.Fatal(err)
		}
		r = h.api("GET", "/api/v1/tasks/reports.daily", "")
		wantStatus(t, "get", r, http.StatusOK)
		if got := compactJSON(t, r.body); got != compactJSON(t, want.String()) {
			t.Errorf("get:\n got %s\nwant %s", got, compactJSON(t, want.String()))
		}
		// A body shaped like get --json, without its id, creates another.
		r = h.api("POST", "/api/v1/tasks", strings.Replace(want.String(), `"id":"reports.daily",`, "", 1))
		wantStatus(t, "create from get --json", r, http.StatusCreated)

		r = h.api("GET", "/api/v1/tasks", "")
		wantStatus(t, "list", r, http.StatusOK)
		var list []taskView
		if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list) != 2 {
			t.Errorf("list: %v %s", err, r.body)
		}

		wantAPIError(t, "duplicate id", h.api("POST", "/api/v1/tasks", `{"id": "reports.daily", "task_name": "x", "schedule_type": "interval", "schedule": "5m"}`), http.StatusConflict, "")
		wantAPIError(t, "bad schedule", h.api("POST", "/api/v1/tasks", `{"task_name": "x", "schedule_type": "cron", "schedule": "61 * * * *"}`), http.StatusBadRequest, "Schedule")
		wantAPIError(t, "bad type", h.api("POST", "/api/v1/tasks", `{"task_name": "x", "schedule_type": "weekly", "schedule": "1"}`), http.StatusBadRequest, "ScheduleType")
		wantAPIError(t, "no name", h.api("POST", "/api/v1/tasks", `{"schedule_type": "interval", "schedule": "5m"}`), http.StatusBadRequest, "TaskName")
		wantAPIError(t, "unknown field", h.api("POST", "/api/v1/tasks", `{"task_name": "x", "schedule_type": "interval", "schedule": "5m", "colour": 1}`), http.StatusBadRequest, "colour")
		wantAPIError(t, "wrong JSON type", h.api("POST", "/api/v1/tasks", `{"task_name": "x", "schedule_type": "interval", "schedule": "5m", "args": {}}`), http.StatusBadRequest, "args")
		wantAPIError(t, "not JSON", h.api("POST", "/api/v1/tasks", `{"task_name": `), http.StatusBadRequest, "")
		wantAPIError(t, "empty body", h.api("POST", "/api/v1/tasks", ""), http.StatusUnsupportedMediaType, "")
		wantAPIError(t, "form body", h.do("POST", "/api/v1/tasks", strings.NewReader("a=b"), map[string]string{
			"Authorization": "Bearer " + testToken, "Content-Type": "application/x-www-form-urlencoded"}), http.StatusUnsupportedMediaType, "")
		big := `{"task_name": "x", "schedule_type": "interval", "schedule": "5m", "description": "` + strings.Repeat("a", maxJSONBytes) + `"}`
		wantAPIError(t, "too big", h.api("POST", "/api/v1/tasks", big), http.StatusRequestEntityTooLarge, "")

		wantAPIError(t, "get unknown", h.api("GET", "/api/v1/tasks/nope", ""), http.StatusNotFound, "")
		wantAPIError(t, "fires unknown", h.api("GET", "/api/v1/tasks/nope/fires", ""), http.StatusNotFound, "")
		wantAPIError(t, "fires bad limit", h.api("GET", "/api/v1/tasks/reports.daily/fires?limit=-1", ""), http.StatusBadRequest, "limit")
		r = h.api("GET", "/api/v1/tasks/reports.daily/fires", "")
		wantStatus(t, "fires", r, http.StatusOK)
		if strings.TrimSpace(r.body) != "[]" {
			t.Errorf("fires of a new task: %s", r.body)
		}
		r = h.api("GET", "/api/v1/tasks/reports.daily/describe", "")
		wantStatus(t, "describe", r, http.StatusOK)
		var desc description
		if err := json.Unmarshal([]byte(r.body), &desc); err != nil || desc.ID != "reports.daily" ||
			len(desc.NextRuns) != pageNextRuns || desc.RecentFires == nil {
			t.Errorf("describe: %v %s", err, r.body)
		}

		// Pause with a reason, resume, trigger: the task as get --json prints it.
		r = h.api("POST", "/api/v1/tasks/reports.daily/pause", `{"reason": "upstream down"}`)
		wantStatus(t, "pause", r, http.StatusOK)
		var got taskView
		if err := json.Unmarshal([]byte(r.body), &got); err != nil || !got.Paused || got.PauseReason != "upstream down" || got.Enabled {
			t.Errorf("pause: %v %s", err, r.body)
		}
		wantStatus(t, "pause again, no body", h.api("POST", "/api/v1/tasks/reports.daily/pause", ""), http.StatusOK)
		wantAPIError(t, "pause, reason too long", h.api("POST", "/api/v1/tasks/reports.daily/pause", `{"reason": "`+strings.Repeat("x", schedstore.MaxPauseReasonBytes+1)+`"}`), http.StatusBadRequest, "PauseReason")
		wantAPIError(t, "pause unknown", h.api("POST", "/api/v1/tasks/nope/pause", ""), http.StatusNotFound, "")
		r = h.api("POST", "/api/v1/tasks/reports.daily/resume", "")
		wantStatus(t, "resume", r, http.StatusOK)
		got = taskView{}
		if err := json.Unmarshal([]byte(r.body), &got); err != nil || got.Paused || !got.Enabled {
			t.Errorf("resume: %v %s", err, r.body)
		}
		wantStatus(t, "trigger", h.api("POST", "/api/v1/tasks/reports.daily/trigger", ""), http.StatusOK)
		if n, _, err := h.store.NextDue(t.Context()); err != nil || n.After(time.Now()) {
			t.Errorf("after trigger: the next due is %v, %v; want the queued run, now", n, err)
		}
		wantAPIError(t, "resume with a reason", h.api("POST", "/api/v1/tasks/reports.daily/resume", `{"reason": "x"}`), http.StatusBadRequest, "reason")
		wantAPIError(t, "trigger unknown", h.api("POST", "/api/v1/tasks/nope/trigger", "{}"), http.StatusNotFound, "")

		wantStatus(t, "delete", h.api("DELETE", "/api/v1/tasks/reports.daily", ""), http.StatusNoContent)
		wantAPIError(t, "delete again", h.api("DELETE", "/api/v1/tasks/reports.daily", ""), http.StatusNotFound, "")
		wantAPIError(t, "unknown route", h.api("GET", "/api/v1/nothing", ""), http.StatusNotFound, "")
		wantStatus(t, "wrong method", h.api("PUT", "/api/v1/tasks/x", ""), http.StatusMethodNotAllowed)

		wantStatus(t, "healthz", h.api("GET", "/healthz", ""), http.StatusOK)
		wantStatus(t, "readyz", h.api("GET", "/readyz", ""), http.StatusOK)
		wantStatus(t, "metrics", h.api("GET", "/metrics", ""), http.StatusOK)
	})
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return buf.String()
}

// Who gets in: the token for programs, sign-in and a session for people,
// CSRF tokens on every form, no cross-origin changes.
func TestServeSecurity(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		h := newServeHarness(t, d.fresh(t), testToken)
		ctx := context.Background()
		for _, id := range []string{"a", "b"} {
			tk := schedstore.NewInterval("job."+id, time.Minute)
			tk.ID = id
			if err := h.store.Create(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}

		// Programs: bearer token on every machine path.
		for _, p := range []string{"/api/v1/tasks", "/metrics", "/healthz", "/readyz"} {
			r := h.do("GET", p, nil, nil)
			wantAPIError(t, "no token "+p, r, http.StatusUnauthorized, "")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: no WWW-Authenticate", p)
			}
			wantStatus(t, "wrong token "+p, h.do("GET", p, nil, map[string]string{"Authorization": "Bearer " + testToken + "x"}), http.StatusUnauthorized)
			wantStatus(t, "right token "+p, h.do("GET", p, nil, map[string]string{"Authorization": "Bearer " + testToken}), http.StatusOK)
		}
		wantStatus(t, "delete without token", h.do("DELETE", "/api/v1/tasks/a", nil, nil), http.StatusUnauthorized)

		// People: pages redirect to the sign-in form; a wrong token is refused.
		r := h.do("GET", "/tasks/a", nil, nil)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2Ftasks%2Fa" {
			t.Errorf("page before sign-in: %d %q", r.status, r.header.Get("Location"))
		}
		wantStatus(t, "login page", h.do("GET", "/login", nil, nil), http.StatusOK)
		wantStatus(t, "stylesheet before sign-in", h.do("GET", "/static/style.css", nil, nil), http.StatusOK)
		r = h.form("/login", url.Values{"token": {"guess"}})
		wantStatus(t, "wrong sign-in", r, http.StatusUnauthorized)
		if strings.Contains(r.header.Get("Set-Cookie"), sessionCookie) {
			t.Error("a wrong token got a session")
		}
		wantStatus(t, "form before sign-in", h.form("/tasks/a/delete", url.Values{}), http.StatusForbidden)
		// An open redirect after sign-in is not followed.
		r = h.form("/login", url.Values{"token": {testToken}, "next": {"//evil.example/"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Errorf("next=//evil.example: %d %q", r.status, r.header.Get("Location"))
		}
		cookie := r.header.Get("Set-Cookie")
		for _, attr := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(cookie, attr) {
				t.Errorf("session cookie %q lacks %s", cookie, attr)
			}
		}
		r = h.do("GET", "/", nil, nil)
		wantStatus(t, "page after sign-in", r, http.StatusOK)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("no nosniff")
		}
		// The session cookie is not a bearer token for the API.
		wantStatus(t, "API with the session cookie only", h.do("GET", "/api/v1/tasks", nil, nil), http.StatusUnauthorized)

		// CSRF: a form without the token, or with another, changes nothing.
		token := h.csrf("/tasks/a")
		wantStatus(t, "delete without CSRF", h.form("/tasks/a/delete", url.Values{}), http.StatusForbidden)
		wantStatus(t, "delete with a wrong CSRF", h.form("/tasks/a/delete", url.Values{"csrf": {token + "x"}}), http.StatusForbidden)
		if _, err := h.store.Get(ctx, "a"); err != nil {
			t.Fatalf("a refused form deleted the task: %v", err)
		}
		// Cross-origin: refused even with the right token.
		wantStatus(t, "cross-origin form", h.do("POST", "/tasks/a/delete", strings.NewReader(url.Values{"csrf": {token}}.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}),
			http.StatusForbidden)
		wantStatus(t, "GET is not a change", h.do("GET", "/tasks/a/delete", nil, nil), http.StatusOK)
		wantStatus(t, "oversized form", h.form("/tasks/a/delete", url.Values{"csrf": {token}, "pad": {strings.Repeat("x", maxFormBytes)}}), http.StatusBadRequest)
		if _, err := h.store.Get(ctx, "a"); err != nil {
			t.Fatalf("a refused form deleted the task: %v", err)
		}
		// With the session's token, through the confirmation page.
		r = h.form("/tasks/a/delete", url.Values{"csrf": {token}})
		if r.status != http.StatusSeeOther {
			t.Errorf("delete with CSRF: %d %s", r.status, r.body)
		}
		if _, err := h.store.Get(ctx, "a"); !errors.Is(err, schedstore.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
		// Pause through the form: back to the task's page, paused, the reason kept.
		r = h.form("/tasks/b/pause", url.Values{"csrf": {token}, "reason": {"maintenance"}})
		wantStatus(t, "pause form", r, http.StatusSeeOther)
		if b, err := h.store.Get(ctx, "b"); err != nil || b.PausedAt == nil || b.PauseReason != "maintenance" {
			t.Errorf("after the pause form: %+v, %v", b, err)
		}
		wantStatus(t, "pause form without CSRF", h.form("/tasks/b/pause", url.Values{"reason": {"x"}}), http.StatusForbidden)

		// Signing out ends the session.
		wantStatus(t, "sign out", h.form("/logout", url.Values{"csrf": {token}}), http.StatusSeeOther)
		wantStatus(t, "page after sign-out", h.do("GET", "/", nil, nil), http.StatusSeeOther)
	})
}

// What users wrote is shown as text, never as markup.
func TestServeEscapesUserText(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		h := newServeHarness(t, d.fresh(t), "")
		evil := `<script>alert(1)</script>`
		tk := schedstore.NewInterval(evil, time.Minute)
		tk.ID = "evil"
		tk.Description = `<img src=x onerror=alert(2)>`
		tk.Args = []any{`</code><script>alert(3)</script>`}
		tk.Kwargs = map[string]any{"k": `"><svg onload=alert(4)>`}
		if err := h.store.Create(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/", "/tasks/evil", "/tasks/evil/delete"} {
			r := h.do("GET", p, nil, nil)
			wantStatus(t, p, r, http.StatusOK)
			for _, raw := range []string{"<script>", "<img", "<svg"} {
				if strings.Contains(r.body, raw) {
					t.Errorf("%s contains %q unescaped", p, raw)
				}
			}
			if !strings.Contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("%s does not show the task's name as text", p)
			}
		}
	})
}

// Without a token: loopback only, and only loopback Host names.
func TestServeWithoutToken(t *testing.T) {
	h := newServeHarness(t, dialects[0].fresh(t), "")
	wantStatus(t, "API on loopback", h.do("GET", "/api/v1/tasks", nil, nil), http.StatusOK)
	req, _ := http.NewRequest("GET", h.srv.URL+"/api/v1/tasks", nil)
	req.Host = "attacker.example:8080" // DNS rebinding
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host: %d, want 421", resp.StatusCode)
	}
	// Forms still need the session's CSRF token.
	tk := schedstore.NewInterval("job", time.Minute)
	if err := h.store.Create(context.Background(), tk); err != nil {
		t.Fatal(err)
	}
	token := h.csrf("/tasks/" + tk.ID)
	wantStatus(t, "form without CSRF", h.form("/tasks/"+tk.ID+"/delete", url.Values{}), http.StatusForbidden)
	if token == "" {
		t.Fatal("no CSRF token")
	}

	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0"}, nil, "refusing to serve on 0.0.0.0:0 without a token"},
		{[]string{"serve", "--addr", ":8080"}, nil, "refusing to serve on :8080 without a token"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--token", "short"}, nil, "at least 16 characters"},
		{[]string{"serve", "--addr", "0.0.0.0:0"}, map[string]string{envServeToken: "short"}, "at least 16 characters"},
		{[]string{"serve", "--addr", "nohost"}, nil, "--addr must be HOST:PORT"},
		{[]string{"serve", "--log-format", "xml"}, nil, "--log-format must be text or json"},
	} {
		_, stderr, status := runApp(t, time.Now(), tc.env, append([]string{"--db", "sqlite://" + t.TempDir() + "/x.db"}, tc.args...)...)
		if status != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", tc.args, status, stderr, tc.want)
		}
	}
}

// failingStore fails every call with a driver-like error that quotes the
// URL, password included.
type failingStore struct {
	schedstore.Store
	err error
}

func (f failingStore) ListAll(context.Context) ([]*schedstore.Task, error)   { return nil, f.err }
func (f failingStore) Get(context.Context, string) (*schedstore.Task, error) { return nil, f.err }
func (f failingStore) NextDue(context.Context) (time.Time, bool, error) {
	return time.Time{}, false, f.err
}

// No page, API error or log shows the database password.
func TestServeHidesThePassword(t *testing.T) {
	const password = "s3cret-Pa55"
	dbURL := "postgres://app:" + password + "@db.internal:5432/sched"
	h := newServeHarnessOn(t, failingStore{err: errors.New("dial " + dbURL + ": connection refused (password " + password + ")")}, dbURL, testToken)
	h.signIn()
	var bodies []string
	for _, p := range []string{"/", "/tasks/x", "/login"} {
		r := h.do("GET", p, nil, nil)
		bodies = append(bodies, r.body)
	}
	if r := h.do("GET", "/", nil, nil); r.status != http.StatusInternalServerError || !strings.Contains(r.body, "db.internal") {
		t.Errorf("failing page: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/api/v1/tasks", "/api/v1/tasks/x", "/readyz"} {
		r := h.api("GET", p, "")
		if r.status < 500 {
			t.Errorf("%s: %d, want a 5xx", p, r.status)
		}
		bodies = append(bodies, r.body)
	}
	bodies = append(bodies, h.logs.String())
	for _, b := range bodies {
		if strings.Contains(b, password) {
			t.Errorf("password shown:\n%s", b)
		}
	}
	if !strings.Contains(h.do("GET", "/", nil, nil).body, "postgres://app:xxxxx@db.internal:5432/sched") {
		t.Error("the page header does not show the redacted URL to those signed in")
	}
	if strings.Contains(h.do("GET", "/login", nil, nil).body, "db.internal") {
		t.Error("the sign-in page names the database")
	}
}

// /readyz follows the database; /healthz the process.
func TestServeReadiness(t *testing.T) {
	s, err := adapter.Open(context.Background(), dialects[0].fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	h := newServeHarnessOn(t, s, "sqlite://x", "")
	wantStatus(t, "readyz", h.do("GET", "/readyz", nil, nil), http.StatusOK)
	s.Close()
	wantStatus(t, "readyz, database closed", h.do("GET", "/readyz", nil, nil), http.StatusServiceUnavailable)
	wantStatus(t, "healthz, database closed", h.do("GET", "/healthz", nil, nil), http.StatusOK)
}

// pausedStore reads every task back paused, as Store.Pause will leave it.
type pausedStore struct {
	schedstore.Store
	at time.Time
}

func (p pausedStore) pause(t *schedstore.Task) *schedstore.Task {
	t.Enabled, t.PausedAt, t.PauseReason = false, &p.at, `upstream <b>down</b> until Friday`
	return t
}

func (p pausedStore) ListAll(ctx context.Context) ([]*schedstore.Task, error) {
	tasks, err := p.Store.ListAll(ctx)
	for _, t := range tasks {
		p.pause(t)
	}
	return tasks, err
}

func (p pausedStore) Get(ctx context.Context, id string) (*schedstore.Task, error) {
	t, err := p.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return p.pause(t), nil
}

// A paused task shows as paused, with its reason as text, and offers
// Resume instead of Pause.
func TestServeShowsPaused(t *testing.T) {
	s, err := adapter.Open(context.Background(), dialects[0].fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tk := schedstore.NewInterval("job", time.Minute)
	tk.ID = "job"
	if err := s.Create(context.Background(), tk); err != nil {
		t.Fatal(err)
	}
	h := newServeHarnessOn(t, pausedStore{Store: s, at: time.Now().Add(-time.Hour)}, "sqlite://x.db", "")
	list := h.do("GET", "/", nil, nil).body
	if !strings.Contains(list, `<span class="state paused">paused</span>`) ||
		!strings.Contains(list, "upstream &lt;b&gt;down&lt;/b&gt; until Friday") || !strings.Contains(list, "1 paused") {
		t.Errorf("list page:\n%s", list)
	}
	page := h.do("GET", "/tasks/job", nil, nil).body
	if !strings.Contains(page, `action="/tasks/job/resume"`) || strings.Contains(page, `action="/tasks/job/pause"`) ||
		!strings.Contains(page, "1h ago") {
		t.Errorf("task page:\n%s", page)
	}
}

// The command as people start it: the token from the environment, any
// interface, a clean stop on cancel.
func TestServeCommand(t *testing.T) {
	db := dialects[0].fresh(t)
	stderr := &syncBuffer{}
	a := newApp(&bytes.Buffer{}, stderr)
	a.getenv = func(k string) string {
		if k == envServeToken {
			return testToken
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- a.execute(ctx, []string{"--db", db, "serve", "--addr", "0.0.0.0:0", "--log-format", "json"})
	}()
	re := regexp.MustCompile(`serving on http://([^/]+)/`)
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = strings.Replace(m[1], "0.0.0.0", "127.0.0.1", 1)
			addr = strings.Replace(addr, "[::]", "127.0.0.1", 1)
		}
	}
	if addr == "" {
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	get := func(p, token string) int {
		req, _ := http.NewRequest("GET", "http://"+addr+p, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for p, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/api/v1/tasks": 200} {
		if got := get(p, testToken); got != want {
			t.Errorf("%s with the token: %d, want %d", p, got, want)
		}
		if got := get(p, ""); got != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d, want 401", p, got)
		}
	}
	cancel()
	if status := <-done; status != exitOK {
		t.Errorf("serve exited %d:\n%s", status, stderr.String())
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		250 * time.Millisecond: "250ms", 4200 * time.Millisecond: "4.2s", 185 * time.Second: "3m5s",
		2*time.Hour + 5*time.Minute: "2h5m", 76 * time.Hour: "3d4h", -2 * time.Second: "-2s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
