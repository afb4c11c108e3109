#!/bin/bash
# One database and one login per service (runs once, on an empty data directory, as the
# postgres user). Each login's password is the one the `secrets` job made for that service,
# read from the secrets volume; there is no default, so a missing file stops the start.
set -euo pipefail
DB_SECRETS="${DB_SECRETS_DIR:-/secrets/db}"
for svc in intake survey review dispatch settlement archive; do
  pw_file="$DB_SECRETS/$svc.password"
  if [ ! -s "$pw_file" ]; then
    echo "init-databases: $pw_file is missing or empty (run the secrets job first)" >&2
    exit 1
  fi
  # psql reads the file itself (\set with backquotes): the password is in no argument list.
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-EOSQL
	\set pw \`tr -d '[:space:]' < $pw_file\`
	CREATE USER $svc WITH PASSWORD :'pw';
	CREATE DATABASE $svc OWNER $svc;
EOSQL
done
