#!/bin/bash
# One database and one login per service (runs once, on an empty data directory).
set -euo pipefail
for svc in intake survey review dispatch settlement archive; do
  pw_var="${svc^^}_DB_PASSWORD"
  pw="${!pw_var:-$svc}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-EOSQL
    CREATE USER $svc WITH PASSWORD '$pw';
    CREATE DATABASE $svc OWNER $svc;
EOSQL
done
