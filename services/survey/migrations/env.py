"""Alembic environment of the survey database (URL from DATABASE_URL)."""

from civic.migrations import run_migrations
from survey.orm import metadata

run_migrations(metadata)
