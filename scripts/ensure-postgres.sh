#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries exist (Debian's package); the suite starts its own server.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL server binaries are missing: run 'sudo apt-get install -y postgresql-15'" >&2
  exit 1
fi
echo "installing PostgreSQL from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q postgresql-15 >/dev/null
# The package starts a cluster on 5432 that we do not use; the suite runs its own.
(command -v pg_ctlcluster >/dev/null && pg_ctlcluster 15 main stop) || true
