from __future__ import annotations

import asyncpg
import pytest

from devstack.postgres import PostgresServer
from devstack.services import SERVICES
from devstack.stack import Stack

pytestmark = pytest.mark.integration


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def test_every_service_has_its_database(stack: Stack) -> None:
    for name in SERVICES:
        conn = await asyncpg.connect(_dsn(stack.database_url(name)))
        try:
            assert await conn.fetchval("select current_database()") == name
        finally:
            await conn.close()


async def test_create_database_is_idempotent_and_usable(stack: Stack) -> None:
    pg: PostgresServer = stack.postgres
    assert pg.create_database("devstack_probe") is True
    assert pg.create_database("devstack_probe") is False
    conn = await asyncpg.connect(_dsn(pg.url("devstack_probe")))
    try:
        assert await conn.fetchval("select 1") == 1
        assert await conn.fetchval("show shared_buffers") == "256MB"
        assert await conn.fetchval("show max_connections") == "200"
        assert await conn.fetchval("show server_encoding") == "UTF8"
    finally:
        await conn.close()


def test_database_names_are_validated(stack: Stack) -> None:
    with pytest.raises(ValueError, match="identifiers"):
        stack.postgres.create_database('x"; drop database postgres; --')
