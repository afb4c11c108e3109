# One entry point for people and CI. `make up` runs the stack, `make test` runs everything.
SHELL := /bin/bash
PY ?= python3
UV := $(PY) -m uv
VENV := .venv
BIN := $(VENV)/bin
SERVICES := intake survey review dispatch settlement archive
# The staff console calls the six; it owns no database and no Kafka topic (no asyncapi).
APPS := $(SERVICES) console

.PHONY: help bootstrap up down clean status logs token trace demo lint fmt typecheck test test-unit \
        test-integration test-e2e test-faults test-cluster test-fuzz asyncapi contracts-snapshot bench fuzz

help:
	@echo "make up | down | clean | status | test | lint | typecheck | asyncapi | bench | fuzz"

## Set-up on a fresh machine: Python deps, PostgreSQL binaries, HAProxy (several instances),
## promtool (alert rule tests), helm and kubeconform (Kubernetes manifest check), Chromium
## (board and console tests), the console's htmx and ECharts (npm), Kafka jars.
bootstrap: $(BIN)/.synced
	@scripts/ensure-console-assets.sh
	@scripts/ensure-postgres.sh
	@scripts/ensure-haproxy.sh
	@scripts/ensure-prometheus.sh
	@scripts/ensure-k8s-tools.sh
	@scripts/ensure-chromium.sh
	@$(BIN)/devstack jars

$(BIN)/.synced: uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q uv
	@$(UV) sync --all-packages --locked -q
	@touch $@

## The stack: Kafka + PostgreSQL + Jaeger (or the span sink) + Prometheus + six services + the
## staff console (with its development sign-in), all state under .state/dev.
## `make up KAFKA_NODES=3 INSTANCES=2`: a three-node Kafka cluster (replication 3, min ISR 2)
## and two processes of every service behind HAProxy, one port per service as before.
## With a Docker engine (and STACK unset or "compose") docker-compose.yml runs it instead;
## STACK=launcher forces the project's own launcher.
STACK ?= $(if $(shell docker info >/dev/null 2>&1 && echo yes),compose,launcher)
COMPOSE := docker compose -f docker-compose.yml

ifeq ($(STACK),compose)
# The console's development sign-in (compose profile `local`) runs unless ENVIRONMENT says
# staging or production, where it would refuse to start anyway.
COMPOSE_PROFILES ?= $(if $(filter staging production,$(ENVIRONMENT)),,local)
export COMPOSE_PROFILES

up:
	$(COMPOSE) up -d --build --wait
	@echo "staff console: http://127.0.0.1:8080  (sign in through the development issuer, http://127.0.0.1:8090, when ENVIRONMENT is local)"

down:
	$(COMPOSE) down

clean:
	$(COMPOSE) down --volumes

status:
	$(COMPOSE) ps
else
up: bootstrap
	@scripts/ensure-jaeger.sh || echo "Jaeger could not be built (Go >= 1.24.6 needed): the span sink takes the spans"
	@$(BIN)/devstack up

down:
	@$(BIN)/devstack down

clean:
	@$(BIN)/devstack clean

status:
	@$(BIN)/devstack status
endif

logs:
	@tail -n 50 .state/dev/logs/*.log

token:
	@$(BIN)/devstack token $(ARGS)

trace:
	@$(BIN)/devstack trace $(TRACE)

demo:  ## a realistic county through the public APIs (`make up` first; ARGS="--applicants 50")
	@$(BIN)/devstack demo $(ARGS)

## Quality gates.
lint: $(BIN)/.synced
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

fmt: $(BIN)/.synced
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

typecheck: $(BIN)/.synced
	@$(BIN)/mypy libs/contracts/src libs/civic/src libs/devstack/src $(foreach s,$(APPS),services/$(s)/src)

## Every test, against a real Kafka broker and PostgreSQL that the suite starts itself.
test: bootstrap lint typecheck
	@scripts/test-suites.sh $(PYTEST_ARGS)

test-unit: bootstrap
	@scripts/test-suites.sh -m unit $(PYTEST_ARGS)

test-integration: bootstrap
	@scripts/test-suites.sh -m integration $(PYTEST_ARGS)

test-e2e: bootstrap
	@$(BIN)/pytest tests/e2e -m e2e $(PYTEST_ARGS)
	@$(BIN)/pytest tests/clock_matrix -m e2e $(PYTEST_ARGS)

test-faults: bootstrap
	@$(BIN)/pytest tests/faults $(PYTEST_ARGS)

## Three Kafka nodes, two instances of every service; a node and three instances SIGKILLed
## mid-flow (also the last step of `make test`).
test-cluster: bootstrap
	@$(BIN)/pytest tests/cluster -p no:cacheprovider $(PYTEST_ARGS)

## Schemathesis against a fresh stack, every role, ~3 min; FUZZ_SEED=<seed> replays a run,
## FUZZ_SCALE=10 fuzzes ten times as long.
test-fuzz: bootstrap
	@$(BIN)/pytest tests/fuzz -p no:cacheprovider $(PYTEST_ARGS)

## Generated documents.
asyncapi: $(BIN)/.synced
	@mkdir -p docs/asyncapi
	@for s in $(SERVICES); do \
	  $(BIN)/faststream docs gen --factory $$s.asyncapi:asyncapi_app -o docs/asyncapi/$$s.json >/dev/null; \
	done; echo "AsyncAPI documents written to docs/asyncapi/"

contracts-snapshot: $(BIN)/.synced
	@$(BIN)/python -m contracts.snapshots write

bench: bootstrap
	@$(BIN)/python -m bench $(ARGS)

## The same fuzzing against the stack `make up` runs (`make up` first); fails on any 5xx.
fuzz: bootstrap
	@scripts/fuzz-apis.sh $(ARGS)
