"""Alembic environment of the settlement database (URL from DATABASE_URL)."""

from civic.migrations import run_migrations
from settlement.orm import metadata

run_migrations(metadata)
