#!/usr/bin/env bash
# Makes sure Prometheus, promtool and Alertmanager exist (Debian's `prometheus` and
# `prometheus-alertmanager` packages): tests/test_alert_rules.py and
# tests/test_grafana_dashboards.py check the alert rules and dashboards with promtool, and
# `make up` runs Prometheus and Alertmanager beside the services (devstack/monitoring.py).
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus-alertmanager >/dev/null; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Prometheus is missing: run 'sudo apt-get install -y prometheus prometheus-alertmanager'" >&2
  exit 1
fi
echo "installing Prometheus and Alertmanager from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
# Quiet unless it fails: then apt's own words say why.
quietly() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
quietly apt-get update -q
# Without recommends: the exporters and the web UI's assets are not needed to check rules.
quietly apt-get install -y -q --no-install-recommends prometheus prometheus-alertmanager
# The packages may start system-wide servers we do not use; the launcher runs its own.
for unit in prometheus prometheus-alertmanager; do
  (command -v systemctl >/dev/null && systemctl stop "$unit" 2>/dev/null) || true
  (command -v service >/dev/null && service "$unit" stop >/dev/null 2>&1) || true
done
