"""Alembic environment of the intake database (URL from DATABASE_URL)."""

from civic.migrations import run_migrations
from intake.orm import metadata

run_migrations(metadata)
