"""Monthly statements against real PostgreSQL: set-based, idempotent, equal to the ledger."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import astuple
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.uow import UnitOfWork
from contracts.enums import FundingSource
from contracts.kinds import StatementPeriod
from settlement.handlers.statements import RunSettlement, run_settlement
from settlement.orm import ledger_line, statement, statement_item_total, statement_source_total
from settlement.repository import statements as repo

pytestmark = pytest.mark.integration

_townships = (f"341722{n}" for n in itertools.count(900))
ITEMS = [
    ("LC-01", "hour", 3000),
    ("CL-01", "visit", 5000),
    ("HC-02", "month", 3000),
    ("IC-01", "day", 8000),
]


@st.composite
def ledgers(draw: st.DrawFn) -> list[dict[str, Any]]:
    providers = [uuid.uuid4() for _ in range(draw(st.integers(1, 3)))]
    lines = []
    for _ in range(draw(st.integers(1, 40))):
        item, unit, fee = draw(st.sampled_from(ITEMS))
        kind = draw(st.sampled_from(["charge", "charge", "reversal", "adjustment"]))
        quantity = draw(st.integers(1, 20)) * (-1 if kind == "reversal" else 1)
        amount = draw(st.integers(-50_000, 0)) if kind == "adjustment" else quantity * fee
        lines.append(
            {
                "provider": draw(st.sampled_from(providers)),
                "item_code": item,
                "unit": unit,
                "unit_fee_fen": fee,
                "kind": kind,
                "quantity": 0 if kind == "adjustment" else quantity,
                "amount_fen": amount,
                "funding_source": draw(st.sampled_from([f.value for f in FundingSource])),
                "service_month": draw(st.sampled_from(["2024-03", "2024-04", "2024-05"])),
                "period": draw(st.sampled_from(["2024-05", "2024-05", "2024-05", "2024-06"])),
            }
        )
    return lines


async def insert_lines(
    db: async_sessionmaker[AsyncSession], township: str, lines: list[dict[str, Any]]
) -> None:
    rows = [
        {
            "line_id": uuid.uuid4(),
            "kind": x["kind"],
            "source_id": uuid.uuid4(),
            "record_id": uuid.uuid4(),
            "person_id": uuid.uuid4(),
            "recipient_id": uuid.uuid4(),
            "provider_id": x["provider"],
            "provider_code": f"p-{str(x['provider'])[:8]}",
            "county_code": township[:6],
            "township_code": township,
            "period": x["period"],
            "service_month": x["service_month"],
            "item_code": x["item_code"],
            "funding_source": x["funding_source"],
            "unit": x["unit"],
            "quantity": x["quantity"],
            "unit_fee_fen": x["unit_fee_fen"],
            "amount_fen": x["amount_fen"],
            "catalogue_version": 1,
        }
        for x in lines
    ]
    async with db() as s, s.begin():
        await s.execute(insert(ledger_line), rows)


async def settle(
    db: async_sessionmaker[AsyncSession], township: str, month: str = "2024-05"
) -> list[uuid.UUID]:
    cmd = RunSettlement(StatementPeriod.MONTHLY, month, "township", township)
    return await run_settlement(cmd, uow=UnitOfWork(db))  # the handler opens and commits it


async def snapshot(db: async_sessionmaker[AsyncSession], township: str) -> dict[str, Any]:
    async with db() as s:
        heads = (
            await s.execute(select(statement).where(statement.c.township_code == township))
        ).all()
        ids = [h.statement_id for h in heads]
        items = (
            await s.execute(
                select(statement_item_total).where(statement_item_total.c.statement_id.in_(ids))
            )
        ).all()
        sources = (
            await s.execute(
                select(statement_source_total).where(statement_source_total.c.statement_id.in_(ids))
            )
        ).all()
        fresh = {i: astuple(await repo.recompute(s, i)) for i in ids}
    return {
        "heads": sorted((dict(h._mapping) for h in heads), key=lambda h: str(h["statement_id"])),
        "items": sorted(tuple(i) for i in items),
        "sources": sorted(tuple(x) for x in sources),
        "fresh": fresh,
    }


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=ledgers())
async def test_settlement_is_idempotent_and_every_total_equals_the_ledger(
    db: async_sessionmaker[AsyncSession], client: Any, lines: list[dict[str, Any]]
) -> None:
    township = next(_townships)
    await insert_lines(db, township, lines)
    first = await settle(db, township)
    once = await snapshot(db, township)
    assert await settle(db, township) == []  # a second run changes nothing...
    assert await snapshot(db, township) == once  # ...and gives the very same statements
    may = [x for x in lines if x["period"] == "2024-05"]
    assert len(first) == len({x["provider"] for x in may})
    expected_items: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    expected_sources: Counter[tuple[Any, ...]] = Counter()
    for x in may:
        row = expected_items[
            (x["provider"], x["item_code"], x["unit"], x["service_month"] < "2024-05")
        ]
        row[0] += x["quantity"]
        row[1] += x["amount_fen"]
        row[2] += 1
        expected_sources[(x["provider"], x["funding_source"])] += x["amount_fen"]
    provider_of = {h["statement_id"]: h["provider_id"] for h in once["heads"]}
    got_items = {(provider_of[i[0]], i[1], i[2], i[3]): [i[4], i[5], i[6]] for i in once["items"]}
    got_sources = {(provider_of[x[0]], x[1]): x[2] for x in once["sources"]}
    assert got_items == dict(expected_items)
    assert got_sources == dict(expected_sources)
    for head in once["heads"]:
        stored = (head["line_count"], head["total_fen"], head["adjustment_fen"])
        assert once["fresh"][head["statement_id"]] == stored  # stored totals == the ledger's
        assert head["total_fen"] == sum(
            v for (p, _), v in got_sources.items() if p == head["provider_id"]
        )


async def test_settlement_new_lines_refresh_a_draft_and_bump_its_version(
    scenario: Callable[..., Any],
) -> None:
    world = scenario("341702101")
    who = await world.approve()
    order = await world.order(who, "CL-01", unit="visit")
    await world.deliver(order, date(2024, 4, 3))
    [statement_id] = await world.settle("2024-04")
    head = await world.statement("2024-04")
    assert (head.version, head.total_fen, head.line_count, head.status) == (1, 5000, 1, "draft")
    await world.deliver(order, date(2024, 4, 17))
    assert await world.settle("2024-04") == [statement_id]
    head = await world.statement("2024-04")
    assert (head.version, head.total_fen, head.line_count) == (2, 10_000, 2)
