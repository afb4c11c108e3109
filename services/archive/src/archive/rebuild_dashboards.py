"""Rebuilds the dashboards' read model (chain_case, stop_case, stop_order) from the topics.

    export DATABASE_URL=postgresql+asyncpg://…/archive        # the live database is fine
    python -m archive.rebuild_dashboards --bootstrap 127.0.0.1:19092
    (as archive's own Kafka principal: KAFKA_PASSWORD_FILE, KAFKA_CA_FILE)

It empties the three tables, then reads the topics they come from from the beginning (a plain
consumer, no group, up to the end offsets seen after emptying them) and folds every event in.
The fold is commutative and idempotent, so the live consumers may keep running: an event they
apply during the rebuild is either read again here (no change) or comes after its end offset.
Only what the topics still hold can be rebuilt (their retention; see docs/dashboards.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from archive.handlers.dashboards import OBSERVED, observe
from archive.replay import ReplayReport, ReplayUnitOfWork, read_log
from archive.repository import dashboards as repo
from archive.settings import Settings
from civic.db import make_engine, make_sessionmaker
from contracts import topics

#: The topics the read model learns from (all read by archive's live consumers already).
TOPICS = (
    topics.INTAKE_APPLICATIONS,
    topics.SURVEY_SURVEYS,
    topics.REVIEW_DECISIONS,
    topics.REVIEW_RECIPIENT_STATUS,
    topics.DISPATCH_ORDERS,
    topics.DISPATCH_SERVICES,
)
#: Events folded per transaction.
CHUNK = 500


async def _clear(sm: async_sessionmaker[AsyncSession]) -> None:
    async with ReplayUnitOfWork(sm) as uow:
        await repo.clear(uow.session)
        await uow.commit()


async def rebuild(*, settings: Settings) -> ReplayReport:
    """Empties the read model and folds every event of its topics in again."""
    report = ReplayReport()
    engine = make_engine(settings.database_dsn(), pool_size=2)
    sm = make_sessionmaker(engine)
    try:
        await _clear(sm)
        partitions = await read_log(settings.kafka_access(), list(TOPICS), report)
        events = [r.event for part in partitions for r in part if r.event.event_type in OBSERVED]
        for start in range(0, len(events), CHUNK):
            async with ReplayUnitOfWork(sm) as uow:
                for event in events[start : start + CHUNK]:
                    await observe(event, uow=uow)
                await uow.commit()
        report.applied = len(events)
    finally:
        await engine.dispose()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m archive.rebuild_dashboards --database-url … --bootstrap …``."""
    parser = argparse.ArgumentParser(prog="archive-rebuild-dashboards")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        required=not os.environ.get("DATABASE_URL"),
    )
    parser.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    )
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {
        "database_url": args.database_url,
        "kafka_bootstrap_servers": args.bootstrap,
    }
    if not (os.environ.get("AUTH_PUBLIC_KEY_FILE") or os.environ.get("AUTH_PUBLIC_KEY_PEM")):
        overrides["auth_public_key_pem"] = "not-used-by-rebuild"  # it serves no requests
    report = asyncio.run(rebuild(settings=Settings(**overrides)))
    print(f"读取 {report.read} 条，计入看板 {report.applied} 条，无法解析 {report.unreadable} 条")


if __name__ == "__main__":
    main()
