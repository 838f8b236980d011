#!/usr/bin/env bash
# bench/ratio.sh: run BenchmarkOps (schedstore beside a hand-written baseline, per dialect and
# operation), then print the ratio ours/baseline per op and dialect and benchstat's comparison.
# `make bench` runs it from the repository root; see bench/doc.go for what is measured.
#
# Environment (all optional):
#   SCHEDSTORE_TEST_POSTGRES_URL, SCHEDSTORE_TEST_MYSQL_URL   unset: that dialect is skipped
#   BENCH_COUNT   samples of each op, interleaved (SCHEDSTORE_BENCH_RUNS)    (default 10)
#   BENCH_TIME    -benchtime of each sample                                  (default 500ms)
#   BENCH_FILTER  -bench regexp                                              (default ^BenchmarkOps$)
#   BENCH_OUT     raw `go test -bench` output                                (default bench.txt)
#   BENCH_BASE    an earlier BENCH_OUT: also compare it with this run, file against file
#   BENCH_TARGET  ratio above which an op is flagged OVER                    (default 1.15)
#   BENCH_REPORT_ONLY=1   run nothing: print the tables from an existing BENCH_OUT
#   GO, BENCHSTAT commands                (default go, go tool -modfile=tools/go.mod benchstat)
#
# With the defaults a run takes about 5 minutes on 2 cores with all three dialects.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

GO=${GO:-go}
BENCHSTAT=${BENCHSTAT:-$GO tool -modfile=tools/go.mod benchstat}
count=${BENCH_COUNT:-10}
benchtime=${BENCH_TIME:-500ms}
filter=${BENCH_FILTER:-^BenchmarkOps\$}
out=${BENCH_OUT:-bench.txt}
base=${BENCH_BASE:-}
target=${BENCH_TARGET:-1.15}

if [[ -z ${BENCH_REPORT_ONLY:-} ]]; then
	for v in SCHEDSTORE_TEST_POSTGRES_URL SCHEDSTORE_TEST_MYSQL_URL; do
		if [[ -z ${!v:-} ]]; then
			echo "ratio.sh: $v is not set: that dialect is skipped (\`make db-up\` prints it)" >&2
		fi
	done
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	$GO test -c -o "$tmp/bench.test" ./bench
	# One process; each dialect is seeded once and then runs every op $count times (run=0, 1, ...),
	# each time both implementations back to back, alternating which goes first.
	(cd bench && SCHEDSTORE_BENCH_RUNS=$count "$tmp/bench.test" -test.run '^$' -test.bench "$filter" \
		-test.benchmem -test.count 1 -test.benchtime "$benchtime") 2>&1 | tee "$out" |
		grep --line-buffered -E '^(Benchmark|--- |    |FAIL|panic)' >&2 || true
fi
if grep -qE '^(--- FAIL|FAIL|panic)' "$out"; then
	echo "ratio.sh: a benchmark failed; see $out" >&2
	exit 1
fi

# The ratio table. ours and baseline: medians of ns/op over the runs. ratio: the median over the
# runs of ours/baseline within each run (the two ran back to back, so load from other processes
# mostly cancels out), and the interquartile range of those per-run ratios.
echo
echo "ours/baseline (impl=schedstore over impl=baseline), ns/op; target ratio <= $target"
awk -v target="$target" '
function sort(a, n,    i, j, v) {  # insertion sort of a[1..n]: n is small
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
		a[j + 1] = v
	}
}
function quantile(a, n, q,    h, lo) {  # of sorted a[1..n], linear interpolation
	h = (n - 1) * q + 1
	lo = int(h)
	return lo >= n ? a[n] : a[lo] + (h - lo) * (a[lo + 1] - a[lo])
}
function human(ns) {
	if (ns >= 1e6) return sprintf("%.2fms", ns / 1e6)
	if (ns >= 1e3) return sprintf("%.1fµs", ns / 1e3)
	return sprintf("%.0fns", ns)
}
/^BenchmarkOps\// {
	name = $1
	sub(/-[0-9]+$/, "", name)  # GOMAXPROCS suffix
	db = op = impl = ""
	run = "0"
	n = split(name, part, "/")
	for (i = 2; i <= n; i++) {
		split(part[i], kv, "=")
		if (kv[1] == "db") db = kv[2]
		else if (kv[1] == "op") op = kv[2]
		else if (kv[1] == "impl") impl = kv[2]
		else if (kv[1] == "run") run = kv[2]
	}
	for (i = 3; i < NF; i++) {
		if ($(i + 1) == "ns/op") ns = $i
		if ($(i + 1) == "allocs/op") allocs[db, op, impl] = $i
	}
	k = db SUBSEP op
	if (!(k in seen)) { seen[k] = 1; order[++rows] = k }
	if (!((k, run) in runseen)) { runseen[k, run] = 1; runs[k, ++nruns[k]] = run }
	t[k, run, impl] = ns
}
END {
	printf "%-17s %-9s %10s %10s %6s %12s %13s\n", "op", "dialect", "ours", "baseline", "ratio",
		"(runs: IQR)", "allocs o/b"
	over = 0
	for (r = 1; r <= rows; r++) {
		k = order[r]
		split(k, f, SUBSEP)
		no = nb = np = 0
		delete o; delete b; delete p
		for (i = 1; i <= nruns[k]; i++) {
			run = runs[k, i]
			if ((k, run, "schedstore") in t) o[++no] = t[k, run, "schedstore"]
			if ((k, run, "baseline") in t) b[++nb] = t[k, run, "baseline"]
			if (((k, run, "schedstore") in t) && ((k, run, "baseline") in t))
				p[++np] = t[k, run, "schedstore"] / t[k, run, "baseline"]
		}
		if (np == 0) continue
		sort(o, no); sort(b, nb); sort(p, np)
		ratio = quantile(p, np, 0.5)
		flag = ratio > target + 0 ? "  OVER" : ""
		if (flag != "") over++
		printf "%-17s %-9s %10s %10s %6.2f %5.2f..%-5.2f %6s/%-6s%s\n", f[2], f[1],
			human(quantile(o, no, 0.5)), human(quantile(b, nb, 0.5)), ratio,
			quantile(p, np, 0.25), quantile(p, np, 0.75),
			allocs[f[1], f[2], "schedstore"], allocs[f[1], f[2], "baseline"], flag
	}
	if (rows == 0) print "(no BenchmarkOps results)"
	else if (over) printf "%d op(s) above %s\n", over, target
}' "$out"

# benchstat: columns impl=baseline | impl=schedstore; "vs base" is ours against the baseline
# (+12% = ratio 1.12), with its confidence interval and p-value.
echo
$BENCHSTAT -filter '.name:Ops' -ignore /run -table .config,/db -row /op -col '/impl@(baseline schedstore)' "$out"
if [[ -n $base ]]; then
	echo
	echo "this run ($out) against $base:"
	$BENCHSTAT -filter '.name:Ops' -ignore /run "$base" "$out"
fi
