#!/usr/bin/env bash
# Runs each suite in its own pytest session, each with its own fresh Kafka broker and
# PostgreSQL: the services' in-process apps consume shared topics from the beginning, so
# one suite's events must not reach another suite's consumers. Suites run two at a time
# (SUITE_JOBS), longest first; each waits on conditions, never on the clock, so sharing the
# machine's two cores slows them down without making them fail.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=.state/suite-logs
rm -rf "$logs" && mkdir -p "$logs"  # nothing of an interrupted earlier run is counted
# The fault suite runs beside the clock matrix, not beside the fuzzing: two stacks under
# heavy load at once on two cores slowed the fault suite past its waits.
suites=(tests/faults tests/clock_matrix tests/fuzz services/archive services/console tests/e2e services/dispatch
        services/review services/intake services/settlement
        "tests --ignore=tests/e2e --ignore=tests/faults --ignore=tests/clock_matrix --ignore=tests/fuzz --ignore=tests/cluster"
        libs/civic libs/devstack services/survey libs/contracts)
# Run alone afterwards: three Kafka nodes and twelve service processes want both cores.
solo=(tests/cluster)
export PYTEST_EXTRA="$*"

run_suite() {
  local suite="$1" log
  log=".state/suite-logs/$(echo "${suite%% *}" | tr '/' '_').log"
  # shellcheck disable=SC2086
  .venv/bin/pytest $suite -q -p no:cacheprovider $PYTEST_EXTRA > "$log" 2>&1
  echo "$?" > "${log}.rc"
}
export -f run_suite

start=$(date +%s)
printf '%s\n' "${suites[@]}" | xargs -d '\n' -P "${SUITE_JOBS:-2}" -I{} bash -c 'run_suite "$@"' _ {}
for suite in "${solo[@]}"; do run_suite "$suite"; done

failed=()
passed=0 failures=0 real=0
for suite in "${suites[@]}" "${solo[@]}"; do
  log="$logs/$(echo "${suite%% *}" | tr '/' '_').log"
  rc=$(cat "${log}.rc" 2>/dev/null || echo 1)
  echo "=== ${suite}"
  tail -n 3 "$log"
  # exit 5 means the suite selected no test (e.g. -m e2e on a unit-only suite)
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then
    failed+=("$suite")
    echo "--- why ${suite} failed:"
    grep -E "^E |^(FAILED|ERROR) |exited during start" "$log" | head -n 40
  fi
  summary=$(grep -hE "^[0-9]+ (passed|failed|errors?)|^=+ .*(passed|failed|errors?)" "$log" | tail -n 1)
  passed=$((passed + $(grep -ohE "[0-9]+ passed" <<<"$summary" | awk '{s+=$1} END {print s+0}')))
  failures=$((failures + $(grep -ohE "[0-9]+ (failed|errors?)" <<<"$summary" | awk '{s+=$1} END {print s+0}')))
  real=$((real + $(grep -ohE "^real infrastructure: [0-9]+" "$log" | grep -oE "[0-9]+" | awk '{s+=$1} END {print s+0}')))
done
grep -h -A 12 "^fault suite:" "$logs"/tests_faults.log 2>/dev/null
echo "every suite took $(( $(date +%s) - start )) s; ${real} integration/e2e tests ran against a real Kafka broker and PostgreSQL"
echo "suites: ${passed} passed, ${failures} failed"
if [ ${#failed[@]} -gt 0 ]; then echo "failing suites: ${failed[*]}"; exit 1; fi
