# Model Architect — everyday commands. `make help` lists them.
SHELL := /bin/bash
GO    ?= go
PG_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: help run test test-pg generate build vet migration assets bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

PLAYGROUND_ASSETS := internal/playground/assets/dist/manifest.json

run: assets ## run the server on SQLite under ./data (http://localhost:3001/ playground, /graphql)
	$(GO) run ./cmd/architect serve

assets: $(PLAYGROUND_ASSETS) ## fetch the playground's files (GraphiQL, React, graphql-ws) from npm for the binary to embed

$(PLAYGROUND_ASSETS): web/package.json web/package-lock.json web/build.mjs
	cd web && npm ci --no-audit --no-fund && node build.mjs

test: ## run every test (PostgreSQL too when TEST_DATABASE_URL is set)
	@if [ -z "$$TEST_DATABASE_URL" ]; then echo "note: TEST_DATABASE_URL is not set, so the PostgreSQL tests are skipped (make test-pg runs them)"; fi
	$(GO) test -count=1 ./...

test-pg: ## run every test on SQLite and on the local PostgreSQL
	TEST_DATABASE_URL="$(PG_URL)" $(MAKE) --no-print-directory test

generate: ## regenerate ent, the gqlgen exec code and schema.graphql (go generate ./...)
	$(GO) generate ./...

build: assets ## build a static binary into bin/architect
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$$(git describe --always --dirty 2>/dev/null || echo dev)" -o bin/architect ./cmd/architect

vet: ## go vet and gofmt
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)

migration: ## write the next PostgreSQL migration from the ent schema: make migration NAME=add_something
	@test -n "$(NAME)" || (echo "usage: make migration NAME=add_something"; exit 1)
	$(GO) run ./internal/database/migrategen -name $(NAME)

bench: ## measure the API against PostGraphile 5 on 1,000 seeded users, check load tests against M/M/c (PostgreSQL, ~14 min; bench/README.md)
	bash bench/run
