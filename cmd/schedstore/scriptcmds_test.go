package main

import (
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the commands the scripts add to testscript's own.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"exits":   cmdExits,
	"json":    cmdJSON,
	"capture": cmdCapture,
	"sleep":   cmdSleep,
}

// exits N prog args...: run prog and require exit status N; stdout and
// stderr are kept for the next stdout/stderr checks, as exec keeps them.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// json: stdout is one JSON document.
// json PATH REGEXP: the value at PATH (.key.0.key; "." is the document)
// matches ^REGEXP$; a string is matched as is, anything else as compact JSON.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 && len(args) != 2 {
		ts.Fatalf("usage: json [PATH REGEXP]")
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || dec.More() {
		ts.Fatalf("stdout is not one JSON document: %v", err)
	}
	if len(args) == 0 {
		return
	}
	v := doc
	for _, key := range strings.Split(strings.Trim(args[0], "."), ".") {
		if key == "" {
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[key]; !ok {
				ts.Fatalf("%s: no key %q", args[0], key)
			}
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				ts.Fatalf("%s: no index %q in an array of %d", args[0], key, len(x))
			}
			v = x[i]
		default:
			ts.Fatalf("%s: %q indexes a %T", args[0], key, v)
		}
	}
	s, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		ts.Check(err)
		s = string(b)
	}
	re, err := regexp.Compile("^(?:" + args[1] + ")$")
	ts.Check(err)
	if re.MatchString(s) == neg {
		ts.Fatalf("%s = %s; match %q: %v, want %v", args[0], s, args[1], !neg, neg)
	}
}

// capture VAR: set VAR to stdout without its trailing newline.
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: capture VAR")
	}
	ts.Setenv(args[0], strings.TrimRight(ts.ReadFile("stdout"), "\n"))
}

// sleep DURATION: wait, e.g. for an interval task to come due.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}
