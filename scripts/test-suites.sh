#!/usr/bin/env bash
# Runs each suite in its own pytest session, each with its own fresh Kafka broker and
# PostgreSQL: the services' in-process apps consume shared topics from the beginning, so
# one suite's events must not reach another suite's consumers.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .state
# Totals of an interrupted earlier run must not be added to this one.
rm -f .state/suite-totals.log .state/last-suite.log .state/suite-real.log
suites=(libs/contracts libs/civic libs/devstack services/intake services/survey services/review
        services/dispatch services/settlement services/archive "tests --ignore=tests/e2e --ignore=tests/faults --ignore=tests/clock_matrix" tests/e2e
        tests/clock_matrix tests/faults)
failed=()
start=$(date +%s)
for suite in "${suites[@]}"; do
  echo "=== ${suite}"
  # shellcheck disable=SC2086
  .venv/bin/pytest $suite -q -p no:cacheprovider "$@" 2>&1 | tee .state/last-suite.log | tail -n 25
  rc=${PIPESTATUS[0]}
  # exit 5 means the suite selected no test (e.g. -m e2e on a unit-only suite)
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then
    failed+=("$suite")
    echo "--- why ${suite} failed:"
    grep -E "^E |^(FAILED|ERROR) |exited during start" .state/last-suite.log | head -n 40
  fi
  grep -hoE "^real infrastructure: [0-9]+" .state/last-suite.log >> .state/suite-real.log || true
  grep -hE "^[0-9]+ (passed|failed|errors?)|^=+ .*(passed|failed|errors?)" .state/last-suite.log \
    | tail -n 1 >> .state/suite-totals.log
done
passed=$(grep -ohE "[0-9]+ passed" .state/suite-totals.log | awk '{s+=$1} END {print s+0}')
failures=$(grep -ohE "[0-9]+ (failed|errors?)" .state/suite-totals.log | awk '{s+=$1} END {print s+0}')
real=$(grep -ohE "[0-9]+" .state/suite-real.log 2>/dev/null | awk '{s+=$1} END {print s+0}')
rm -f .state/suite-totals.log .state/last-suite.log .state/suite-real.log
echo "every suite took $(( $(date +%s) - start )) s; ${real} integration/e2e tests ran against a real Kafka broker and PostgreSQL"
echo "suites: ${passed} passed, ${failures} failed"
if [ ${#failed[@]} -gt 0 ]; then echo "failing suites: ${failed[*]}"; exit 1; fi
