#!/usr/bin/env bash
# Makes sure HAProxy exists (Debian's package): `make up INSTANCES=2` and the cluster test put
# one port per service in front of its instances with it; we never write a balancer ourselves.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "HAProxy is missing: run 'sudo apt-get install -y haproxy'" >&2
  exit 1
fi
echo "installing HAProxy from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q haproxy >/dev/null
# The package may start a system-wide HAProxy we do not use; the launcher runs its own.
(command -v service >/dev/null && service haproxy stop >/dev/null 2>&1) || true
