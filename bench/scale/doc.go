// Package scale measures how each Store call grows with the table and with
// the number of due tasks (issue 11): tables of 10,000, 100,000 and
// 1,000,000 tasks with 100 due, then a backlog of 100,000 due among
// 1,000,000.
//
// It holds no library code, only TestScale, which is skipped unless
// SCHEDSTORE_BENCH_SCALE=1, so `go test ./...` and `make test` never run
// it; `make bench-scale` does. README.md has the method, the command and
// the results.
package scale
