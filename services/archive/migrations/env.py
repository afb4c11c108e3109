"""Alembic environment of the archive database (URL from DATABASE_URL)."""

from civic.migrations import run_migrations
from archive.orm import metadata

run_migrations(metadata)
