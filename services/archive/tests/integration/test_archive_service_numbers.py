"""Service numbers under concurrency, against the real PostgreSQL: in order, no gaps, no reuse."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from archive.adapters.numbering import CounterNumbers
from archive.context import ArchiveContext
from archive.domain.numbers import ServiceNumber
from archive.handlers import events as uc
from archive.orm import archive_file, service_number_counter
from archive.settings import Settings
from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import outbox_message
from civic.uow import UnitOfWork
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample

pytestmark = pytest.mark.integration

COUNTIES = {"341702": "341702100201", "341721": "341721101202"}
PER_COUNTY = 30
APPROVED_AT = datetime(2026, 6, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Fresh:
    """A fresh archive database's sessions, and the context the use cases run with."""

    sessions: async_sessionmaker[AsyncSession]
    ctx: ArchiveContext


@pytest.fixture
async def fresh(
    fresh_archive_database: Callable[[], str], archive_settings: Settings, keys_of: Any
) -> AsyncIterator[Fresh]:
    """A fresh archive database with a pool large enough for every concurrent use case."""
    engine = make_engine(fresh_archive_database(), pool_size=12)
    try:
        async with keys_of(archive_settings, engine):  # a file's conditions are sealed
            yield Fresh(
                make_sessionmaker(engine),
                ArchiveContext(settings=archive_settings, numbers=CounterNumbers()),
            )
    finally:
        await engine.dispose()


class Abandoned(Exception):
    """A use case that fails after the number was taken (its transaction rolls back)."""


def approval(village: str) -> RecipientApproved:
    person = uuid.uuid4()
    return sample(
        RecipientApproved,
        person_id=person,
        subject_key=str(person),
        county_code=village[:6],
        township_code=village[:9],
        village_code=village,
        occurred_at=APPROVED_AT,
    )


async def approve(
    sm: async_sessionmaker[AsyncSession], ctx: ArchiveContext, e: RecipientApproved, fail: bool
) -> bool:
    """Runs the use case as the consumer does; a duplicate that loses the race retries once."""
    for _ in range(2):
        try:
            async with UnitOfWork(sm) as uow:
                await uc.open_file(e, uow=uow, ctx=ctx)
                if fail:
                    raise Abandoned
                await uow.commit()
            return True
        except Abandoned:
            return False
        except IntegrityError:
            continue  # the same person opened concurrently: the retry finds the file
    raise AssertionError("the retry should have found the file")


async def test_archive_concurrent_approvals_in_two_counties_get_gapless_ordered_numbers(
    fresh: Fresh,
) -> None:
    sm, ctx = fresh.sessions, fresh.ctx
    approvals = [approval(v) for v in COUNTIES.values() for _ in range(PER_COUNTY)]
    failing = {a.event_id for a in random.sample(approvals, 8)}
    twice = random.sample([a for a in approvals if a.event_id not in failing], 5)
    # Review publishing the same approval again (a new event id) for a person being approved.
    again = [a.model_copy(update={"event_id": uuid.uuid4()}) for a in twice]
    calls = [(a, a.event_id in failing) for a in approvals] + [(a, False) for a in again]
    random.shuffle(calls)
    outcomes = await asyncio.gather(*(approve(sm, ctx, a, fail) for a, fail in calls))
    async with sm() as s:
        files = (
            (await s.execute(select(archive_file).order_by(archive_file.c.service_number)))
            .mappings()
            .all()
        )
        counters = (await s.execute(select(service_number_counter))).mappings().all()
        opened = (
            (
                await s.execute(
                    select(outbox_message.c.payload)
                    .where(outbox_message.c.event_type == "archive.FileOpened")
                    .order_by(outbox_message.c.id)
                )
            )
            .scalars()
            .all()
        )

    assert outcomes.count(False) == len(failing)
    succeeded = len(approvals) - len(failing)
    assert len(files) == succeeded  # the duplicates opened nothing twice
    by_county: dict[str, list[int]] = defaultdict(list)
    for f in files:
        number = ServiceNumber.parse(f["service_number"])
        assert (number.county_code, number.year, number.sequence) == (
            f["issue_county_code"],
            2026,
            f["sequence"],
        )
        by_county[number.county_code].append(number.sequence)
    for county, sequences in by_county.items():
        assert sequences == list(range(1, len(sequences) + 1)), county  # in order, no gaps
    assert sum(len(s) for s in by_county.values()) == succeeded
    assert {(c["county_code"], c["last_value"]) for c in counters} == {
        (county, len(seqs)) for county, seqs in by_county.items()
    }  # rolled-back approvals gave their numbers back

    # Issued in order: each county's FileOpened events were committed in sequence order.
    issued: dict[str, list[str]] = defaultdict(list)
    for payload in opened:
        data = json.loads(payload)
        issued[data["county_code"]].append(data["service_number"])
    for county, numbers in issued.items():
        assert numbers == sorted(numbers) and len(numbers) == len(set(numbers)), county


async def test_archive_an_approval_and_a_status_change_arriving_together_both_count(
    fresh: Fresh,
) -> None:
    sm, ctx = fresh.sessions, fresh.ctx
    approvals = [approval("341702100202") for _ in range(20)]
    changes = [
        sample(
            RecipientStatusChanged,
            person_id=a.person_id,
            subject_key=str(a.person_id),
            recipient_id=a.recipient_id,
            status="stopped",
            version=2,
        )
        for a in approvals
    ]

    async def apply(e: Any) -> None:
        async with UnitOfWork(sm) as uow:
            if isinstance(e, RecipientApproved):
                await uc.open_file(e, uow=uow, ctx=ctx)
            else:
                await uc.record_status_change(e, uow=uow, ctx=ctx)
            await uow.commit()

    pairs = [e for pair in zip(approvals, changes, strict=True) for e in random.sample(pair, 2)]
    await asyncio.gather(*(apply(e) for e in pairs))  # two topics, processed at once
    async with sm() as s:
        statuses = (await s.execute(select(archive_file.c.status))).scalars().all()
    assert statuses == ["stopped"] * len(approvals)
