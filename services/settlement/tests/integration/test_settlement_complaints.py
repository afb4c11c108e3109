"""Issue 19: a substantiated complaint naming a service record reverses it, once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from contracts import topics
from contracts.enums import FeeUnit
from contracts.samples import sample
from contracts.supervision import ComplaintOutcome, ComplaintResolved
from devstack.infra import Infra
from devstack.journeys.metrics import consumed
from settlement.consumers import GROUP
from settlement.handlers.complaints import note_complaint_resolved

from .test_settlement_kafka import eventually, publish

pytestmark = pytest.mark.integration

TOWNSHIP = "341702107"  # 贵池区: a fresh provider per test, so its lines are ours alone


def resolved(served: Any, outcome: ComplaintOutcome, **kw: Any) -> ComplaintResolved:
    values: dict[str, Any] = {
        "person_id": served.person_id,
        "complaint_id": uuid.uuid4(),
        "version": 3,
        "township_code": served.township_code,
        "provider_id": served.provider_id,
        "order_id": served.order_id,
        "record_id": served.record_id,
        "outcome": outcome,
        "occurred_at": datetime(2024, 6, 30, 17, 0, tzinfo=UTC),  # 1 July in Chizhou
        **kw,
    }
    return sample(ComplaintResolved, **values)


async def test_settlement_a_substantiated_complaint_on_kafka_reverses_its_record_once(
    infra: Infra, client: httpx.AsyncClient, scenario: Callable[..., Any]
) -> None:
    world = scenario(TOWNSHIP)
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    served = await world.deliver(order, date(2024, 6, 3))
    [charge] = await world.lines()
    complaint = resolved(served, ComplaintOutcome.SUBSTANTIATED)

    await publish(infra.kafka, complaint)

    async def reversed_lines() -> list[Any]:
        return [x for x in await world.lines() if x.kind == "reversal"]

    [reversal] = await eventually(reversed_lines)
    assert (reversal.record_id, reversal.amount_fen) == (served.record_id, -charge.amount_fen)
    row = await world.record(served.record_id)
    assert (row.billing_status, row.reason_code) == ("not_billable", "complaint_substantiated")
    [kept] = await world.sql(
        "select outcome, substantiated, resolved_on, county_code from complaint_outcome"
        " where complaint_id = :id",
        id=complaint.complaint_id,
    )
    assert tuple(kept) == ("substantiated", True, date(2024, 7, 1), "341702")
    # Redelivered: the inbox absorbs it and the ledger has nothing more.
    before = await consumed(
        client, topic=topics.DISPATCH_COMPLAINTS, group=GROUP, outcome="duplicate"
    )
    await publish(infra.kafka, complaint)

    async def absorbed() -> bool:
        now = await consumed(
            client, topic=topics.DISPATCH_COMPLAINTS, group=GROUP, outcome="duplicate"
        )
        return now > before

    await eventually(absorbed)
    assert len(await world.lines()) == 2
    # The same outcome again under a new event (a later version): nothing more is reversed.
    await world.run(
        note_complaint_resolved,
        resolved(
            served, ComplaintOutcome.SUBSTANTIATED, complaint_id=complaint.complaint_id, version=4
        ),
    )
    assert len(await world.lines()) == 2


async def test_settlement_an_older_complaint_version_never_overwrites_a_newer_one(
    scenario: Callable[..., Any], client: httpx.AsyncClient
) -> None:
    world = scenario(TOWNSHIP)
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    served = await world.deliver(order, date(2024, 6, 4))
    newer = resolved(served, ComplaintOutcome.NOT_SUBSTANTIATED, version=5)
    older = resolved(
        served, ComplaintOutcome.SUBSTANTIATED, complaint_id=newer.complaint_id, version=4
    )
    await world.run(note_complaint_resolved, newer)
    await world.run(note_complaint_resolved, older)
    query = "select outcome, version from complaint_outcome where complaint_id = :id"
    assert await world.sql(query, id=newer.complaint_id) == [("not_substantiated", 5)]
    assert [x.kind for x in await world.lines()] == ["charge"]  # not found true: still paid
    assert (await world.record(served.record_id)).billing_status == "billed"
