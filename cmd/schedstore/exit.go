package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/flowrra/schedstore"
	"github.com/flowrra/schedstore/schedule"
)

// Exit statuses; see the package documentation.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// usageError is a mistake in the command line that cobra cannot see, such
// as clear without --yes.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitStatus maps an error to the documented statuses. started is false
// when cobra refused the command line before any command ran.
func exitStatus(err error, started bool) int {
	switch {
	case err == nil:
		return exitOK
	case isUsage(err, started),
		errors.Is(err, schedstore.ErrInvalidTask),
		errors.Is(err, schedule.ErrInvalid),
		errors.Is(err, schedstore.ErrUnsupportedURL):
		return exitUsage
	}
	return exitRuntime
}

// isUsage reports whether err is about the shape of the command line, for
// which pointing at --help helps; a refused value carries its own hint.
func isUsage(err error, started bool) bool {
	var ue *usageError
	return !started || errors.As(err, &ue)
}

// report prints err for a person: one "schedstore: " prefix, and for a
// usage error, where to find the usage.
func report(w io.Writer, err error, started bool, cmdPath string) {
	msg := err.Error()
	if !strings.HasPrefix(msg, "schedstore: ") {
		msg = "schedstore: " + msg
	}
	fmt.Fprintln(w, msg)
	if isUsage(err, started) && cmdPath != "" {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmdPath)
	}
}
