"""Alembic environment of the review database (URL from DATABASE_URL)."""

from civic.migrations import run_migrations
from review.orm import metadata

run_migrations(metadata)
