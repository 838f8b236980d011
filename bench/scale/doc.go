// Package scale measures how each Store call grows with the table and with
// the number of due tasks (issue 11): tables of 10,000, 100,000 and
// 1,000,000 tasks with 100 due, then a backlog of 100,000 due among
// 1,000,000.
//
// It holds no library code, only TestScale, which is skipped unless
// SCHEDSTORE_BENCH_SCALE=1, and TestListScale (the time and max RSS of
// `schedstore list --json` by table size), skipped unless
// SCHEDSTORE_BENCH_LIST=1, so `go test ./...` and `make test` never run
// them; `make bench-scale` and `make bench-list` do. TestClaimAB (ClaimDue
// and Get, builds taking turns on one table, any dialect) is skipped
// unless SCHEDSTORE_BENCH_AB_URL is set. README.md has the method, the
// commands and the results.
package scale
