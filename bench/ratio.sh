#!/usr/bin/env bash
# bench/ratio.sh: run BenchmarkOps and BenchmarkPaired (schedstore beside a hand-written baseline,
# per dialect and operation), then print the ratio ours/baseline per op and dialect, and benchstat.
# `make bench` runs it; see bench/doc.go for what is measured and how.
#
# Environment (all optional):
#   SCHEDSTORE_TEST_POSTGRES_URL, SCHEDSTORE_TEST_MYSQL_URL   unset: that dialect is skipped
#   BENCH_COUNT   samples of each op, interleaved (SCHEDSTORE_BENCH_RUNS)    (default 10)
#   BENCH_TIME    -benchtime of each sample                                  (default 500ms)
#   BENCH_FILTER  -bench regexp                                  (default ^Benchmark(Ops|Paired)$)
#   BENCH_OUT     raw `go test -bench` output, relative to the repository root (default bench.txt)
#   BENCH_BASE    an earlier BENCH_OUT: also compare it with this run, file against file
#   BENCH_TARGET  ratio above which an op is flagged OVER                    (default 1.15)
#   BENCH_REPORT_ONLY=1   run nothing: print the tables from an existing BENCH_OUT
#   GO, BENCHSTAT commands                (default go, go tool -modfile=tools/go.mod benchstat)
#
# With the defaults a run takes 5 to 7 minutes on 2 cores with all three dialects.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

GO=${GO:-go}
BENCHSTAT=${BENCHSTAT:-$GO tool -modfile=tools/go.mod benchstat}
count=${BENCH_COUNT:-10}
benchtime=${BENCH_TIME:-500ms}
filter=${BENCH_FILTER:-^Benchmark(Ops|Paired)\$}
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
	# One process. Each benchmark seeds each dialect once, then runs every op $count times (run=0,
	# 1, ...), both implementations each time: BenchmarkOps one after the other, alternating which
	# goes first; BenchmarkPaired call by call.
	(cd bench && SCHEDSTORE_BENCH_RUNS=$count "$tmp/bench.test" -test.run '^$' -test.bench "$filter" \
		-test.benchmem -test.count 1 -test.benchtime "$benchtime") 2>&1 | tee "$out" |
		grep --line-buffered -E '^(Benchmark|--- |    |FAIL|panic)' >&2 || true
fi
if grep -qE '^(--- FAIL|FAIL|panic)' "$out"; then
	echo "ratio.sh: a benchmark failed; see $out" >&2
	exit 1
fi

# The ratio table, per op and dialect:
#   ratio   from BenchmarkPaired (calls interleaved one by one): the median over runs of each run's
#           median ours/baseline ratio within pairs, and the interquartile range over runs
#   ours, baseline   from BenchmarkPaired: medians over runs of the median call
#   separate   from BenchmarkOps (each implementation timed on its own): median ns/op of ours over
#           median ns/op of the baseline; the same comparison as benchstat's below, noisier
echo
echo "schedstore (ours) against the hand-written baseline; target ratio <= $target"
awk -v target="$target" '
function sort(a, n,    i, j, v) {  # insertion sort of a[1..n]: n is small
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
		a[j + 1] = v
	}
}
function quantile(a, n, q,    h, lo) {  # of sorted a[1..n], interpolated
	h = (n - 1) * q + 1
	lo = int(h)
	return lo >= n ? a[n] : a[lo] + (h - lo) * (a[lo + 1] - a[lo])
}
function med(key, what,    a, n, i) {  # median of the samples vals[key, what, 1..]
	n = nval[key, what]
	for (i = 1; i <= n; i++) a[i] = vals[key, what, i]
	sort(a, n)
	return quantile(a, n, 0.5)
}
function human(ns) {
	if (ns >= 1e6) return sprintf("%.2fms", ns / 1e6)
	if (ns >= 1e3) return sprintf("%.1fµs", ns / 1e3)
	return sprintf("%.0fns", ns)
}
function add(key, what, v) { vals[key, what, ++nval[key, what]] = v }
/^Benchmark(Ops|Paired)\// {
	name = $1
	sub(/-[0-9]+$/, "", name)  # GOMAXPROCS suffix
	db = op = impl = ""
	n = split(name, part, "/")
	for (i = 2; i <= n; i++) {
		split(part[i], kv, "=")
		if (kv[1] == "db") db = kv[2]
		else if (kv[1] == "op") op = kv[2]
		else if (kv[1] == "impl") impl = kv[2]
	}
	key = db SUBSEP op
	if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
	for (i = 3; i < NF; i++) {
		unit = $(i + 1)
		if (part[1] != "BenchmarkOps") {
			if (unit == "ours/base") add(key, "ratio", $i)
			if (unit == "ours-ns/call") add(key, "ours", $i)
			if (unit == "base-ns/call") add(key, "base", $i)
		} else if (unit == "ns/op") {
			add(key, impl, $i)
		}
	}
}
END {
	printf "%-20s %-9s %6s %12s %10s %10s %9s\n", "op", "dialect", "ratio", "(runs: IQR)", "ours", "baseline", "separate"
	over = 0
	for (r = 1; r <= rows; r++) {
		key = order[r]
		split(key, f, SUBSEP)
		line = sprintf("%-20s %-9s", f[2], f[1])
		if (nval[key, "ratio"]) {
			n = nval[key, "ratio"]
			for (i = 1; i <= n; i++) a[i] = vals[key, "ratio", i]
			sort(a, n)
			ratio = quantile(a, n, 0.5)
			line = line sprintf(" %6.3f %5.2f..%-5.2f %10s %10s", ratio, quantile(a, n, 0.25),
				quantile(a, n, 0.75), human(med(key, "ours")), human(med(key, "base")))
		} else {
			ratio = ""
			line = line sprintf(" %6s %12s %10s %10s", "-", "", "", "")
		}
		if (nval[key, "schedstore"] && nval[key, "baseline"]) {
			sep = med(key, "schedstore") / med(key, "baseline")
			line = line sprintf(" %9.2f", sep)
			if (ratio == "") ratio = sep
		} else {
			line = line sprintf(" %9s", "-")
		}
		if (ratio > target + 0) { line = line "  OVER"; over++ }
		print line
	}
	if (rows == 0) print "(no results)"
	else if (over) printf "%d op(s) above %s\n", over, target
}' "$out"

# benchstat on BenchmarkPaired: the ratio with a confidence interval for its median over runs.
if grep -q '^BenchmarkPaired/' "$out"; then
	echo
	echo "BenchmarkPaired: ours/base, median ratio within pairs of interleaved calls"
	$BENCHSTAT -filter '.name:Paired .unit:"ours/base"' -ignore /run -row /db,/op "$out"
fi
# benchstat on BenchmarkOps: columns impl=baseline | impl=schedstore, timed separately; "vs base"
# is ours against the baseline (+12% = ratio 1.12), with its confidence interval and p-value.
if grep -q '^BenchmarkOps/' "$out"; then
	echo
	echo "BenchmarkOps: each implementation timed on its own"
	$BENCHSTAT -filter '.name:Ops' -ignore /run -table .config,/db -row /op -col '/impl@(baseline schedstore)' "$out"
fi
if [[ -n $base ]]; then
	echo
	echo "this run ($out) against $base:"
	$BENCHSTAT -filter '.name:Ops' -ignore /run "$base" "$out"
fi
