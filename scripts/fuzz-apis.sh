#!/usr/bin/env bash
# Fuzzes every service of a running `make up` stack with Schemathesis (pinned in the dev group)
# and fails on any 5xx: the suite tests/fuzz (`make test-fuzz` runs it on a fresh stack), here
# aimed at the stack `make up` started (FUZZ_STACK=dev). It seeds one approved recipient there,
# then runs the examples, fuzzing and stateful phases with the token of every staff role and
# with one token per role, from a fresh seed (printed; FUZZ_SEED=<seed> replays it).
# Arguments go to pytest, e.g. `make fuzz ARGS="-k archive"`; FUZZ_SCALE=10 fuzzes longer.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZ_STACK=dev exec .venv/bin/pytest tests/fuzz -p no:cacheprovider "$@"
