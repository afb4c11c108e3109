"""``civic-outbox``: the outbox rows Kafka refused too often, and setting them free again.

``civic-outbox list`` prints the parked rows of one service's database (``DATABASE_URL``,
``DATABASE_PASSWORD_FILE``); ``civic-outbox retry ID|--all`` clears their parked mark and
attempt count, so the running relay sends them (and the rows of their keys waiting behind
them) again. Fix the cause first: a topic that is missing, an ACL, a message too large.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select, update

from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import outbox_message
from civic.settings import with_password

app = typer.Typer(help="发件箱中被搁置的事件 (parked outbox rows)", no_args_is_help=True)
Url = Annotated[str, typer.Option(envvar="DATABASE_URL")]
PasswordFile = Annotated[Path | None, typer.Option(envvar="DATABASE_PASSWORD_FILE")]


async def parked_rows(url: str) -> list[dict[str, Any]]:
    """Every parked row, oldest first (payloads are not shown: they may hold personal data)."""
    engine = make_engine(url, pool_size=1)
    t = outbox_message.c
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(t.id, t.event_type, t.topic, t.key, t.attempts, t.last_error, t.parked_at)
                .where(t.parked_at.is_not(None), t.published_at.is_(None))
                .order_by(t.id)
            )
            return [dict(r._mapping) for r in rows]
    finally:
        await engine.dispose()


async def free(url: str, ids: list[int] | None) -> int:
    """Clears the parked mark of ``ids`` (every parked row when None); returns how many."""
    engine = make_engine(url, pool_size=1)
    t = outbox_message.c
    stmt = update(outbox_message).where(t.parked_at.is_not(None), t.published_at.is_(None))
    if ids is not None:
        stmt = stmt.where(t.id.in_(ids))
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            result = await session.execute(stmt.values(parked_at=None, attempts=0))
            return int(result.rowcount)  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


@app.command("list")
def list_command(url: Url, password_file: PasswordFile = None) -> None:
    """Prints the parked rows as JSON lines."""
    for row in asyncio.run(parked_rows(with_password(url, password_file))):
        typer.echo(json.dumps(row, default=str, ensure_ascii=False))


@app.command("retry")
def retry_command(
    url: Url,
    ids: Annotated[list[int] | None, typer.Argument(help="Row ids; none with --all.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every parked row.")] = False,
    password_file: PasswordFile = None,
) -> None:
    """Sends parked rows again (give their ids, or --all)."""
    if not ids and not every:
        raise typer.BadParameter("give row ids, or --all")
    count = asyncio.run(free(with_password(url, password_file), None if every else ids))
    typer.echo(f"{count} row(s) will be sent again")


def main() -> None:
    """Entry point of ``civic-outbox``."""
    app()
