package conformance

import (
	"flag"
	"os"
	"strconv"
	"testing"
	"time"
)

// The randomized model test takes its seed and length from flags or the
// environment. The environment reaches every package of a `go test ./...`
// run, where a flag unknown to some packages would fail them.
const (
	seedEnv = "SCHEDSTORE_CONFORMANCE_SEED"
	opsEnv  = "SCHEDSTORE_CONFORMANCE_OPS"
)

var (
	seedFlag = flag.Uint64("schedstore.seed", 0, "seed of the conformance model test (0: from the clock; env "+seedEnv+")")
	opsFlag  = flag.Int("schedstore.ops", 0, "calls the conformance model test makes (0: 2000, or 200 with -short; env "+opsEnv+")")
)

func modelSeed(t *testing.T) uint64 {
	if *seedFlag != 0 {
		return *seedFlag
	}
	if s := os.Getenv(seedEnv); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", seedEnv, s, err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

func modelOps(t *testing.T) int {
	if *opsFlag > 0 {
		return *opsFlag
	}
	if s := os.Getenv(opsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive number", opsEnv, s)
		}
		return n
	}
	if testing.Short() {
		return 200
	}
	return 2000
}
