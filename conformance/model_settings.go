package conformance

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// The randomized model test takes its seed and length from the
// environment, which reaches every package of a `go test ./...` run
// (a flag would have to be registered by each).
const (
	seedEnv = "SCHEDSTORE_CONFORMANCE_SEED"
	opsEnv  = "SCHEDSTORE_CONFORMANCE_OPS"
)

func modelSeed(t *testing.T) uint64 {
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
