package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs testdata/script/*.txtar against every available
// dialect; each script gets a fresh database in $SCHEDSTORE_DATABASE_URL
// and can test the dialect with [sqlite], [postgres] or [mysql].
func TestScripts(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		testscript.Run(t, testscript.Params{
			Dir: "testdata/script",
			Setup: func(env *testscript.Env) error {
				tb, ok := env.T().(testing.TB)
				if !ok {
					return fmt.Errorf("testscript's T is %T, not a testing.TB", env.T())
				}
				env.Setenv(envDatabaseURL, d.fresh(tb))
				// A race-enabled binary sleeps 1s at exit by default;
				// scripts run hundreds of them.
				env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
				return nil
			},
			Condition: func(cond string) (bool, error) {
				for _, other := range dialects {
					if cond == other.name {
						return cond == d.name, nil
					}
				}
				return false, fmt.Errorf("unknown condition %q", cond)
			},
			Cmds: scriptCmds,
		})
	})
}
