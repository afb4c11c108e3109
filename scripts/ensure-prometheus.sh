#!/usr/bin/env bash
# Makes sure promtool exists (Debian's `prometheus` package): tests/test_alert_rules.py and
# tests/test_grafana_dashboards.py check the alert rules and dashboards with it.
set -euo pipefail
if command -v promtool >/dev/null; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "promtool is missing: run 'sudo apt-get install -y prometheus'" >&2
  exit 1
fi
echo "installing Prometheus (for promtool) from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
# Quiet unless it fails: then apt's own words say why.
quietly() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }; }
quietly apt-get update -q
# Without recommends: the exporters and the web UI's assets are not needed to check rules.
quietly apt-get install -y -q --no-install-recommends prometheus
# The package starts a Prometheus server on 9090 that we do not use; only promtool is wanted.
(command -v systemctl >/dev/null && systemctl stop prometheus 2>/dev/null) || true
(command -v service >/dev/null && service prometheus stop >/dev/null 2>&1) || true
