"""Alembic environment of the dispatch database (URL from DATABASE_URL)."""

from civic.migrations import run_migrations
from dispatch.orm import metadata

run_migrations(metadata)
