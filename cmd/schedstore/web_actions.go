package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/flowrra/schedstore"
)

// Pause, resume and trigger, for the page's buttons and the API: the same
// Store calls as the pause, resume and trigger commands.

type action string

const (
	actionPause   action = "pause"
	actionResume  action = "resume"
	actionTrigger action = "trigger"
)

func (a action) done() string {
	return map[action]string{actionPause: "Paused", actionResume: "Resumed", actionTrigger: "Triggered"}[a]
}

// do runs a on the task id and returns the task as it is afterwards.
func (s *webServer) do(ctx context.Context, a action, id, reason string) (*schedstore.Task, error) {
	switch a {
	case actionPause:
		return s.store.Pause(ctx, id, reason)
	case actionResume:
		return s.store.Resume(ctx, id)
	case actionTrigger:
		if _, err := s.store.Trigger(ctx, id); err != nil {
			return nil, err
		}
		return s.store.Get(ctx, id)
	}
	return nil, fmt.Errorf("unknown action %q", a)
}

// formAction is a page button: CSRF checked, then back to the task's page.
func (s *webServer) formAction(a action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.checkCSRF(w, r) {
			return
		}
		id := r.PathValue("id")
		if _, err := s.do(r.Context(), a, id, r.PostFormValue("reason")); err != nil {
			s.fail(w, r, err)
			return
		}
		s.log.Info("task "+strings.ToLower(a.done()), "id", id, "via", "web")
		http.Redirect(w, r, "/tasks/"+url.PathEscape(id)+"?done="+url.QueryEscape(a.done()), http.StatusSeeOther)
	}
}

// actionInput is the optional body of the API's actions: {"reason": "..."}
// for pause, nothing (or {}) for the others.
type actionInput struct {
	Reason string `json:"reason"`
}

// apiAction answers with the task as `get --json` prints it.
func (s *webServer) apiAction(a action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in actionInput
		if !readJSON(w, r, &in, true) {
			return
		}
		if a != actionPause && in.Reason != "" {
			writeAPIError(w, http.StatusBadRequest, "only pause takes a reason", "reason")
			return
		}
		t, err := s.do(r.Context(), a, r.PathValue("id"), in.Reason)
		if err != nil {
			s.apiFail(w, err)
			return
		}
		s.log.Info("task "+strings.ToLower(a.done()), "id", t.ID, "via", "api")
		writeAPI(w, http.StatusOK, viewOf(t))
	}
}
