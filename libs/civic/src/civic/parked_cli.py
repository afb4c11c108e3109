"""``civic-parked``: the consumed messages a service parked, re-applied or closed by a person.

``civic-parked list`` prints one service database's open parked messages (``DATABASE_URL``,
``DATABASE_PASSWORD_FILE``) as JSON lines, without their values or headers: they may hold
personal data. ``civic-parked reapply ID|--all`` sends each message again, its original
bytes, key and headers, to its original topic with ``x-reapplied-from: parked:<id>``, as
the ``operations`` principal (``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_USERNAME``,
``KAFKA_PASSWORD_FILE``, ``KAFKA_CA_FILE``; ``civic.bus.grants`` lets operations write every
platform topic and every provider's reply topic), and marks the row ``reapplied`` only
after the broker acknowledged it (``acks=all``). The row is locked while it is sent, so two
runs never send one row twice; a run killed between the acknowledgement and the mark sends
it again next time, and the consumers apply it once (they deduplicate by event id).
Upgrade the consumer first (an unknown event type) or fix the cause (a refusal).
``civic-parked resolve ID --note`` closes one without re-applying it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from civic.bus.access import KafkaAccess
from civic.bus.grants import OPERATIONS
from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import parked_message
from civic.parking import REAPPLIED_HEADER
from civic.settings import read_secret, with_password

app = typer.Typer(help="被搁置的消息 (parked messages)", no_args_is_help=True)
Url = Annotated[str, typer.Option(envvar="DATABASE_URL")]
DbPasswordFile = Annotated[Path | None, typer.Option(envvar="DATABASE_PASSWORD_FILE")]
Bootstrap = Annotated[str, typer.Option(envvar="KAFKA_BOOTSTRAP_SERVERS")]
User = Annotated[str, typer.Option(envvar="KAFKA_USERNAME")]
KafkaPasswordFile = Annotated[Path, typer.Option(envvar="KAFKA_PASSWORD_FILE")]
CaFile = Annotated[Path, typer.Option(envvar="KAFKA_CA_FILE")]
t = parked_message.c

#: What ``list`` shows of a row: where it came from, why, and what became of it.
_LISTED = (
    t.id,
    t.consumer,
    t.topic,
    t.kafka_partition,
    t.kafka_offset,
    t.event_type,
    t.reason,
    t.parked_at,
    t.resolved_at,
    t.resolution,
)


@asynccontextmanager
async def _session(url: str) -> AsyncIterator[AsyncSession]:
    engine = make_engine(url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


def _event_id(value: bytes) -> str | None:
    """The event id of a parked value (an id, never personal data), if it has one."""
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    found = data.get("event_id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


async def parked_messages(url: str, *, resolved: bool = False) -> list[dict[str, Any]]:
    """Open parked messages oldest first (every one when ``resolved``), without their values."""
    stmt = select(*_LISTED, t.value).order_by(t.id)
    if not resolved:
        stmt = stmt.where(t.resolved_at.is_(None))
    async with _session(url) as session:
        rows = (await session.execute(stmt)).all()
    return [
        {**{k: v for k, v in r._mapping.items() if k != "value"}, "event_id": _event_id(r.value)}
        for r in rows
    ]


def _headers(row: Any) -> list[tuple[str, bytes]]:
    kept = [(k, str(v).encode()) for k, v in row.headers.items() if k != REAPPLIED_HEADER]
    return [*kept, (REAPPLIED_HEADER, f"parked:{row.id}".encode())]


async def _open_ids(session: AsyncSession, ids: list[int] | None) -> list[int]:
    stmt = select(t.id).where(t.resolved_at.is_(None)).order_by(t.id)
    if ids is not None:
        stmt = stmt.where(t.id.in_(ids))
    return list((await session.scalars(stmt)).all())


async def _reapply_one(session: AsyncSession, producer: AIOKafkaProducer, row_id: int) -> bool:
    """Sends one open row under its lock and marks it once the broker has it."""
    async with session.begin():
        stmt = select(parked_message).where(t.id == row_id, t.resolved_at.is_(None))
        row = (await session.execute(stmt.with_for_update(skip_locked=True))).first()
        if row is None:
            return False  # closed meanwhile, or another run is sending it
        await producer.send_and_wait(row.topic, row.value, key=row.key, headers=_headers(row))
        await session.execute(
            update(parked_message)
            .where(t.id == row_id)
            .values(resolved_at=func.now(), resolution="reapplied")
        )
    return True


async def reapply(url: str, access: KafkaAccess, ids: list[int] | None) -> int:
    """Re-publishes the open rows ``ids`` (every open row when None); returns how many."""
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    sent = 0
    try:
        async with _session(url) as session:
            async with session.begin():
                wanted = await _open_ids(session, ids)
            for row_id in wanted:
                sent += await _reapply_one(session, producer, row_id)
    finally:
        await producer.stop()
    return sent


async def resolve(url: str, row_id: int, note: str) -> bool:
    """Closes an open row without re-applying it; False if it is not open."""
    async with _session(url) as session, session.begin():
        done = await session.execute(
            update(parked_message)
            .where(t.id == row_id, t.resolved_at.is_(None))
            .values(resolved_at=func.now(), resolution=f"resolved: {note}"[:2000])
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]


def _access(bootstrap: str, user: str, password_file: Path, ca_file: Path) -> KafkaAccess:
    password = read_secret(None, password_file)
    assert password is not None
    return KafkaAccess(bootstrap, user, password, ca_file)


@app.command("list")
def list_command(
    url: Url,
    password_file: DbPasswordFile = None,
    every: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False,
) -> None:
    """Prints the parked messages as JSON lines (no values: they may hold personal data)."""
    for row in asyncio.run(parked_messages(with_password(url, password_file), resolved=every)):
        typer.echo(json.dumps(row, default=str, ensure_ascii=False))


@app.command("reapply")
def reapply_command(
    url: Url,
    kafka_password_file: KafkaPasswordFile,
    ca_file: CaFile,
    ids: Annotated[list[int] | None, typer.Argument(help="Row ids; none with --all.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every open row.")] = False,
    password_file: DbPasswordFile = None,
    bootstrap: Bootstrap = "127.0.0.1:19092",
    user: User = OPERATIONS,
) -> None:
    """Sends parked messages back to their topics (give their ids, or --all)."""
    if not ids and not every:
        raise typer.BadParameter("give row ids, or --all")
    access = _access(bootstrap, user, kafka_password_file, ca_file)
    db = with_password(url, password_file)
    count = asyncio.run(reapply(db, access, None if every else ids))
    typer.echo(f"re-applied {count} message(s)")


@app.command("resolve")
def resolve_command(
    row_id: Annotated[int, typer.Argument(help="The row id.")],
    note: Annotated[str, typer.Option("--note", help="Why it is closed (处理说明).")],
    url: Url,
    password_file: DbPasswordFile = None,
) -> None:
    """Closes a parked message without re-applying it."""
    if not asyncio.run(resolve(with_password(url, password_file), row_id, note)):
        raise typer.BadParameter(f"no open parked message {row_id}")
    typer.echo(f"resolved {row_id}")


def main() -> None:
    """Entry point of ``civic-parked``."""
    app()
