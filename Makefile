# schedstore developer targets. `make help` lists them.
#
# Tools are pinned in tools/go.mod (a separate module, so the library's go.mod stays small):
# sqlc v1.31.1 and benchstat run through `go tool -modfile=tools/go.mod`. The first use builds
# them into the Go build cache (sqlc: 1.5-4 min on 2 cores, pure Go); later runs start in seconds.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
TOOLS     := $(GO) tool -modfile=tools/go.mod
# CGO_ENABLED=0 builds sqlc with its pure-Go (WASM) parsers: twice as fast to build as with cgo.
SQLC      ?= env CGO_ENABLED=0 $(TOOLS) sqlc
BENCHSTAT ?= $(TOOLS) benchstat
export SQLC

# Benchmarks: `make bench` writes $(BENCH_OUT); `make bench BENCH_BASE=old.txt` compares.
BENCH_OUT   ?= bench.txt
BENCH_BASE  ?=
BENCH_COUNT ?= 10

.PHONY: help generate check-generated test test-short bench bench-scale bench-list bench-herd db-up db-down demo vet fmt tools

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

generate: ## regenerate db/ from schema/ and queries/ with sqlc
	$(SQLC) generate

check-generated: ## fail if db/ is stale or a query does not prepare (needs PostgreSQL and MySQL; see scripts/check-generated.sh)
	bash scripts/check-generated.sh

test: ## run every test with the race detector (SCHEDSTORE_TEST_* env vars pass through)
	$(GO) test -race -count=1 ./...

test-short: ## quick tests only (-short, no race detector)
	$(GO) test -short -count=1 ./...

bench: ## ours/baseline per op and dialect (bench/ratio.sh): raw output in bench.txt, ratio table, benchstat
	GO='$(GO)' BENCHSTAT='$(BENCHSTAT)' BENCH_COUNT=$(BENCH_COUNT) BENCH_OUT=$(BENCH_OUT) BENCH_BASE=$(BENCH_BASE) bash bench/ratio.sh

bench-scale: ## cost of each Store call at 10k/100k/1M tasks and with a 100k backlog (bench/scale; ~10 min; needs the SCHEDSTORE_TEST_* URLs)
	SCHEDSTORE_BENCH_SCALE=1 $(GO) test ./bench/scale -run TestScale -v -count=1 -timeout 60m

bench-list: ## time and max RSS of `schedstore list --json` at 10k/100k/1M tasks (bench/scale; needs the SCHEDSTORE_TEST_* URLs)
	SCHEDSTORE_BENCH_LIST=1 $(GO) test ./bench/scale -run TestListScale -v -count=1 -timeout 60m

bench-herd: ## 100,000 tasks due at one instant, 4 `schedstore run` processes per database: time until the ledger holds every fire (bench/scale/herd_test.go; ~5-15 min)
	SCHEDSTORE_BENCH_HERD=1 $(GO) test ./bench/scale -run TestHerd -v -count=1 -timeout 60m

db-up: ## start PostgreSQL 15, MariaDB 10.11 and MySQL 8.4 in Docker and print the env vars
	docker compose up -d --wait
	@echo
	@echo "# Test databases are up (docker-compose.yml). Export:"
	@echo "export SCHEDSTORE_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'"
	@echo "export SCHEDSTORE_TEST_MYSQL_URL='mysql://root@127.0.0.1:3306/test'     # MariaDB 10.11"
	@echo "# export SCHEDSTORE_TEST_MYSQL_URL='mysql://root@127.0.0.1:3307/test'   # MySQL 8.4 instead"
	@echo "export SCHEDSTORE_TEST_REQUIRE_ALL=1   # optional: fail, not skip, when a database is missing"

db-down: ## stop the Docker databases and delete their data
	docker compose down -v

demo: ## run the demo command
	$(GO) run ./cmd/schedstore demo

vet: ## go vet, and fail if any file needs gofmt
	$(GO) vet ./...
	@out="$$(gofmt -l .)"; if [[ -n "$$out" ]]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

fmt: ## gofmt -w every Go file
	gofmt -w .

tools: ## build the pinned tools into the Go build cache
	$(SQLC) version
	$(BENCHSTAT) /dev/null >/dev/null
