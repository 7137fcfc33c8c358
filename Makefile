# switchyard — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := build

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
BIN       := bin/switchyard
TOOLS     := $(CURDIR)/bin/tools
GOLANGCI  := $(TOOLS)/golangci-lint
GOLANGCI_VERSION := v2.15.0
FUZZTIME  ?= 10s
DEMO_ARGS ?=

.PHONY: build ui demo test test-go test-fuzz test-ui test-e2e bench bench-compare lint fmt clean

## build: the console and the binary into bin/switchyard
build: ui
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/switchyard

## ui: install the console's packages (when the lock file changed), generate the API client, build web/dist
ui: web/node_modules/.installed
	cd web && npm run gen && npm run build

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

## demo: build everything and start the all-in-one demo (Ctrl-C stops it)
demo: build
	$(BIN) demo $(DEMO_ARGS)

## test: everything CI runs — vet, Go tests with the race detector, bounded fuzzing, UI unit tests, browser e2e
test: test-go test-fuzz test-ui test-e2e

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	@# the parser budgets at their plain values (under -race they are scaled)
	$(GO) test -count=1 -run 'Budget|Hostile|Linear|Limits|Estimate' ./rule/... ./verify/... ./workflow/...

## test-fuzz: every fuzz target for FUZZTIME (default 10s) each (.ci/fuzz-one: a Go 1.26 boundary flake is run once more)
test-fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    GO=$(GO) .ci/fuzz-one $$pkg $$f $(FUZZTIME); \
	  done; \
	done

test-ui: web/node_modules/.installed
	cd web && npm run gen && npm test

## test-e2e: the browser tests against the real binary (built with the console)
test-e2e: build
	cd web && SWITCHYARD_BIN=$(CURDIR)/$(BIN) npm run e2e

## bench: the hot-path benchmarks
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

## bench-compare: the gateway against nginx and direct under wrk, alternating rounds, ~7 min (ROUNDS, DURATION, CONNECTIONS, THREADS, PROFILE=DIR; see bench/compare)
bench-compare:
	@if ! command -v wrk >/dev/null || ! { command -v nginx >/dev/null || test -x /usr/sbin/nginx; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq nginx wrk; \
	  else echo "bench-compare needs nginx and wrk: sudo apt-get install nginx wrk" >&2; exit 2; fi; \
	fi
	@# built, not go run: the harness's exit code (1 failed, 2 setup, 130 interrupted) reaches make
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && $(GO) build -o "$$tmp/compare" ./bench/compare && "$$tmp/compare"

## lint: golangci-lint at a pinned version (installed into bin/tools on first use)
lint: $(GOLANGCI)
	$(GOLANGCI) run ./...

$(GOLANGCI):
	GOBIN=$(TOOLS) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin web/dist/assets web/dist/index.html
