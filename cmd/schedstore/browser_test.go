package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/adapter"
	"github.com/flowrra/schedstore/runner"
)

// envChrome names the browser binary for the browser test; by default the
// first of chromium, chromium-browser, google-chrome on $PATH.
const envChrome = "SCHEDSTORE_TEST_CHROME"

// envUpdateScreenshot=1 makes the browser test write docs/screenshot.png
// (the README's picture) as well as its temporary copy.
const envUpdateScreenshot = "SCHEDSTORE_UPDATE_SCREENSHOT"

func findChrome(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(envChrome); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium binary found (chromium, chromium-browser, google-chrome on $PATH, or $" + envChrome +
		"); install it, e.g. apt-get install -y chromium"
	if testing.Verbose() || os.Getenv("CI") != "" {
		println("browser test skipped:", msg)
	}
	t.Skip(msg)
	return ""
}

// seedDemo stores a few schedules and fires the due ones once, so the page
// shows outcomes of both kinds.
func seedDemo(t *testing.T, s schedstore.Store) {
	t.Helper()
	ctx := context.Background()
	past := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	mk := func(id, name string, typ schedstore.ScheduleType, sched, desc string, due bool) {
		tk := &schedstore.Task{ID: id, TaskName: name, ScheduleType: typ, Schedule: sched, Enabled: true,
			Description: desc, MaxRetries: 0, RetryDelay: time.Second, Args: []any{}, Kwargs: map[string]any{"to": "ops@example.com"}}
		if due {
			tk.NextRunAt = &past
		} else if typ == schedstore.ScheduleCron {
			tk.NextRunAt = ptrTime(time.Now().Add(3 * time.Hour).Truncate(time.Hour))
		}
		if err := s.Create(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	mk("reports.daily", "reports.daily", schedstore.ScheduleCron, "CRON_TZ=Europe/Berlin 0 9 * * MON-FRI", "Morning sales report to the ops list", true)
	mk("cache.refresh", "cache.refresh", schedstore.ScheduleInterval, "5m", "", true)
	mk("invoices.sync", "billing.invoices.sync", schedstore.ScheduleCron, "*/15 * * * *", "Pull invoices from the billing API", true)
	mk("backup.nightly", "db.backup", schedstore.ScheduleCron, "CRON_TZ=America/New_York 30 2 * * *", "", false)
	mk("promo.start", "promo.start", schedstore.ScheduleOneTime, past.Format(time.RFC3339), "Spring promotion goes live", true)
	r := &runner.Runner{Store: s, Owner: "web-1", Handler: runner.HandlerFunc(func(_ context.Context, j runner.Job) error {
		if j.ID == "invoices.sync" {
			return errors.New("billing API: 503 Service Unavailable")
		}
		return nil
	})}
	if err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	off := schedstore.NewInterval("legacy.cleanup", time.Hour)
	off.ID, off.Enabled = "legacy.cleanup", false
	if err := s.Create(ctx, off); err != nil {
		t.Fatal(err)
	}
}

func ptrTime(t time.Time) *time.Time { u := t.UTC(); return &u }

// A person signs in, sees the schedules, opens one and pauses it with a
// reason; the page is captured.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	chrome := findChrome(t)
	s, err := adapter.Open(context.Background(), dialects[0].fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// The URL shown in the page's header (a temporary path would be noise
	// in the README's picture).
	h := newServeHarnessOn(t, s, "sqlite://schedules.db", testToken)
	seedDemo(t, h.store)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 860), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// Any dialog (alert from injected markup) fails the test.
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			t.Errorf("a script ran in the page: dialog %q", ev.Message)
			_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	// Start the browser without a deadline (it would stop the browser), then
	// bound each step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) []byte {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
		return png
	}

	// Sign in: the page sends us to the form first.
	step("open the page", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("token")))
	step("sign in", chromedp.SendKeys(chromedp.ID("token"), testToken), chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.CSS("table.schedules")))

	// The schedules, styled (the stylesheet passed the CSP).
	table := text("table.schedules")
	for _, want := range []string{"reports.daily", "Europe/Berlin", "billing.invoices.sync", "failed", "succeeded", "disabled", "db.backup"} {
		if !strings.Contains(table, want) {
			t.Errorf("the schedules table lacks %q:\n%s", want, table)
		}
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
	if err != nil || bg != "rgb(21, 26, 38)" {
		t.Errorf("header background %q (%v): the stylesheet did not load", bg, err)
	}
	png := shot("schedules.png")
	if os.Getenv(envUpdateScreenshot) == "1" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshot.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote docs/screenshot.png")
	}

	// One schedule: its next runs and its history.
	step("open a schedule", chromedp.Click(chromedp.CSS(`a[href="/tasks/invoices.sync"]`)), chromedp.WaitVisible(chromedp.ID("reason")))
	if got := text("table.fires"); !strings.Contains(got, "billing API: 503") {
		t.Errorf("fire history lacks the error:\n%s", got)
	}
	if got := text("ol.runs"); strings.Count(got, "in ") < 2 {
		t.Errorf("next runs:\n%s", got)
	}
	shot("task.png")

	// Pause it with a reason: back on its page, paused, the reason shown as text.
	step("pause", chromedp.SendKeys(chromedp.ID("reason"), "billing API down <b>until</b> Friday"),
		chromedp.Click(chromedp.ID("pause")), chromedp.WaitVisible(chromedp.CSS("p.flash")))
	if got := text("p.flash"); !strings.Contains(got, "Paused") {
		t.Errorf("after pause: %q", got)
	}
	if got := text("dl"); !strings.Contains(got, "billing API down <b>until</b> Friday") {
		t.Errorf("the task's page does not show the reason as text:\n%s", got)
	}
	step("paused list", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("table.schedules")))
	if got := text("table.schedules"); !strings.Contains(got, "paused") {
		t.Errorf("the schedules do not show the pause:\n%s", got)
	}
	shot("paused.png")

	// Delete, through the confirmation page.
	step("delete", chromedp.Navigate(h.srv.URL+"/tasks/cache.refresh"), chromedp.Click(chromedp.ID("delete")),
		chromedp.WaitVisible(chromedp.ID("confirm-delete")), chromedp.Click(chromedp.ID("confirm-delete")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")))
	if got := text("p.flash"); !strings.Contains(got, "Deleted cache.refresh") {
		t.Errorf("after delete: %q", got)
	}
	if _, err := h.store.Get(context.Background(), "cache.refresh"); !errors.Is(err, schedstore.ErrNotFound) {
		t.Errorf("cache.refresh after delete: %v", err)
	}

	// Markup in a name stays text, and no script runs.
	evil := schedstore.NewInterval(`<img src=x onerror=alert(1)><script>alert(2)</script>`, time.Minute)
	if err := h.store.Create(context.Background(), evil); err != nil {
		t.Fatal(err)
	}
	step("reload", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("table.schedules")))
	if got := text("table.schedules"); !strings.Contains(got, "<script>alert(2)</script>") {
		t.Errorf("the evil name is not shown as text:\n%s", got)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main img, main script").length`))
	if err != nil || n != 0 {
		t.Errorf("%d img/script elements in the page (%v)", n, err)
	}
}
