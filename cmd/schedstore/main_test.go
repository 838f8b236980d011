package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the schedstore command, so scripts
// run the real command line in a process of its own without a build.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"schedstore": func() { os.Exit(Main()) },
	})
}
