"""Alembic environment of the archive database (URL from DATABASE_URL)."""

from archive.orm import metadata
from civic.migrations import run_migrations

run_migrations(metadata)
