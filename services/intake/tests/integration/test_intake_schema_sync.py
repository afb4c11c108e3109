"""The Alembic revisions and orm.py describe the same tables."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from civic.messaging_tables import messaging_metadata
from intake.orm import metadata

pytestmark = pytest.mark.integration


async def test_the_migrated_database_matches_the_orm(intake: Any) -> None:
    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, [metadata, messaging_metadata]))

    async with intake.db() as session:
        connection = await session.connection()
        differences = await connection.run_sync(diff)
    assert differences == []
