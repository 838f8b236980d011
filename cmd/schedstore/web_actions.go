package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/flowrra/schedstore"
)

// Pause, resume and trigger, for the page's buttons and the API.
//
// LATER: each waits for its Store call (Store.Pause(ctx, id, reason),
// Store.Resume, Store.Trigger), not merged yet. Until then do answers
// errNotYet (501, saying which call it waits for) after checking the
// input and that the task exists; wiring one is replacing its case in do.

// errNotYet: the Store call an action needs is not there yet.
var errNotYet = errors.New("not available yet")

type action string

const (
	actionPause   action = "pause"
	actionResume  action = "resume"
	actionTrigger action = "trigger"
)

// storeCall names the Store method an action waits for.
func (a action) storeCall() string {
	return map[action]string{actionPause: "Store.Pause", actionResume: "Store.Resume", actionTrigger: "Store.Trigger"}[a]
}

func (a action) done() string {
	return map[action]string{actionPause: "Paused", actionResume: "Resumed", actionTrigger: "Triggered"}[a]
}

// do runs a on the task id and returns the task as it is afterwards.
func (s *webServer) do(ctx context.Context, a action, id, reason string) (*schedstore.Task, error) {
	if a == actionPause && len([]rune(reason)) > maxReasonRunes {
		return nil, &schedstore.FieldError{Field: "PauseReason", Reason: fmt.Sprintf("the reason is longer than %d characters", maxReasonRunes)}
	}
	if _, err := s.store.Get(ctx, id); err != nil {
		return nil, err
	}
	switch a {
	case actionPause, actionResume, actionTrigger: // LATER: s.store.Pause(ctx, id, reason) etc.
	}
	return nil, fmt.Errorf("%s is %w: it waits for %s (issue 10 follow-up); nothing was changed", a, errNotYet, a.storeCall())
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
