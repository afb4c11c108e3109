"""A change of a recipient's services against real Kafka and PostgreSQL: a removed item's
services after the effective day are taken out of payment, an added item's are paid from it,
a changed fund moves the lines, a repeat posts nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from contracts import topics
from contracts.enums import FeeUnit, FundingSource
from contracts.review import RecipientApproved, RecipientServicesChanged
from contracts.samples import sample
from contracts.values import ApprovedItem
from devstack.infra import Infra
from devstack.journeys.metrics import consumed
from settlement.consumers import GROUP
from settlement.handlers import recipients

from .test_settlement_kafka import eventually, publish

pytestmark = pytest.mark.integration

CARE, CLEANING = "LC-01", "CL-01"  # 3000 fen an hour, 5000 fen a visit (demo catalogue)


def _item(code: str, fund: FundingSource = FundingSource.TEKUN_CARE) -> ApprovedItem:
    return sample(ApprovedItem).model_copy(update={"item_code": code, "funding_source": fund})


def _change(
    who: RecipientApproved, version: int, effective: date, items: list[ApprovedItem], **diff: Any
) -> RecipientServicesChanged:
    return sample(
        RecipientServicesChanged,
        person_id=who.person_id,
        recipient_id=who.recipient_id,
        services_version=version,
        effective_date=effective,
        approved_items=tuple(items),
        **{"changed_item_codes": (), **diff},
    )


async def _status_duplicates(client: httpx.AsyncClient) -> float:
    return await consumed(
        client, topic=topics.REVIEW_RECIPIENT_STATUS, group=GROUP, outcome="duplicate"
    )


async def test_settlement_a_removed_item_is_reversed_from_the_effective_day_on_kafka(
    infra: Infra, client: httpx.AsyncClient, scenario: Callable[..., Any]
) -> None:
    world = scenario("341723100")
    who = await world.approve()
    care = await world.order(who, CARE, FeeUnit.HOUR)
    cleaning = await world.order(who, CLEANING, FeeUnit.VISIT)
    before = await world.deliver(cleaning, date(2024, 5, 9))
    after = await world.deliver(cleaning, date(2024, 5, 20))
    kept = await world.deliver(care, date(2024, 5, 20), quantity=2)
    removal = _change(who, 2, date(2024, 5, 15), [_item(CARE)], removed_item_codes=(CLEANING,))
    await publish(infra.kafka, removal)

    async def reversed_() -> list[Any]:
        return [x for x in await world.lines() if x.kind == "reversal"]

    [reversal] = await eventually(reversed_)
    assert (reversal.record_id, reversal.amount_fen) == (after.record_id, -5000)
    assert reversal.cause_event_id == removal.event_id
    assert (await world.record(before.record_id)).billing_status == "billed"
    assert (await world.record(kept.record_id)).billing_status == "billed"
    assert (await world.record(after.record_id)).reason_code == "item_withdrawn"
    lines = len(await world.lines())
    assert lines == 4  # three charges, one reversal

    # The same event redelivered, and the same version announced again: nothing more.
    seen_before = await _status_duplicates(client)
    await publish(infra.kafka, removal)

    async def absorbed() -> bool:
        return await _status_duplicates(client) > seen_before

    await eventually(absorbed)
    again = _change(who, 2, date(2024, 5, 1), [_item(CARE)], removed_item_codes=(CLEANING,))
    await world.run(recipients.note_services_changed, again)
    assert len(await world.lines()) == lines
    assert (await world.record(before.record_id)).billing_status == "billed"


async def test_settlement_an_added_item_is_billed_from_the_effective_day(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    await world.run(
        recipients.note_services_changed,
        _change(who, 2, date(2024, 5, 1), [_item(CARE)], removed_item_codes=(CLEANING,)),
    )
    # Dispatch opens the added item's order from the effective day.
    cleaning = await world.order(who, CLEANING, FeeUnit.VISIT, start_date=date(2024, 5, 15))
    withdrawn = await world.deliver(cleaning, date(2024, 5, 10))
    early = await world.deliver(cleaning, date(2024, 5, 16))  # the change has not arrived yet
    assert await world.lines() == []
    both = [_item(CARE), _item(CLEANING)]
    added = _change(who, 3, date(2024, 5, 15), both, added_item_codes=(CLEANING,))
    await world.run(recipients.note_services_changed, added)
    later = await world.deliver(cleaning, date(2024, 5, 22))
    lines = await world.lines()
    assert sorted((x.record_id, x.kind, x.amount_fen) for x in lines) == sorted(
        [(early.record_id, "charge", 5000), (later.record_id, "charge", 5000)]
    )
    assert (await world.record(withdrawn.record_id)).billing_status == "not_billable"


async def test_settlement_a_changed_fund_pays_the_item_from_the_new_fund(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    care = await world.order(who, CARE, FeeUnit.HOUR)
    await world.deliver(care, date(2024, 5, 9))
    await world.deliver(care, date(2024, 5, 20))
    home = FundingSource.HOME_ELDERLY_CARE
    moved = _change(who, 2, date(2024, 5, 15), [_item(CARE, home)], changed_item_codes=(CARE,))
    await world.run(recipients.note_services_changed, moved)
    await world.deliver(care, date(2024, 5, 25))  # the order still names the old fund
    totals: dict[str, int] = defaultdict(int)
    for line in await world.lines():
        totals[line.funding_source] += line.amount_fen
    assert dict(totals) == {"tekun_care": 3000, "home_elderly_care": 6000}
