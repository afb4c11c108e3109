"""A change of a recipient's services on in-memory fakes: removed items stop being paid from
the effective day, added ones are paid from it, a changed fund moves the lines, repeats do
nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest

from civic.testing import FakeUnitOfWork
from contracts.enums import FundingSource, RecipientStatus
from contracts.review import RecipientServicesChanged
from contracts.samples import sample
from contracts.settlement import LedgerLinePosted
from contracts.values import ApprovedItem
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.timelines import OrderTimeline
from settlement.handlers.recipients import note_services_changed

from .test_settlement_handlers import MEAL_FEE, Case

pytestmark = pytest.mark.unit

MEALS, CARE = "LC-03", "LC-01"
TEKUN, HOME = FundingSource.TEKUN_CARE, FundingSource.HOME_ELDERLY_CARE


def _item(code: str, fund: FundingSource = TEKUN) -> ApprovedItem:
    base = sample(ApprovedItem)
    return base.model_copy(update={"item_code": code, "funding_source": fund})


async def _change(
    case: Case, version: int, effective: date, items: list[ApprovedItem], **diff: Any
) -> FakeUnitOfWork:
    event = sample(
        RecipientServicesChanged,
        person_id=case.person_id,
        recipient_id=case.recipient_id,
        services_version=version,
        effective_date=effective,
        approved_items=tuple(items),
        **{"changed_item_codes": (), **diff},
    )
    uow = FakeUnitOfWork()
    await note_services_changed(event, uow=uow, store=case.store)
    return uow


def _record(case: Case, day: date) -> Any:
    (record,) = [r for r in case.store.records.values() if r.service_date == day]
    return record


def _by_fund(case: Case) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for line in case.store.lines:
        totals[line["funding_source"]] += line["amount_fen"]
    return dict(totals)


async def test_settlement_a_removed_item_is_not_paid_from_the_effective_day_only() -> None:
    case = Case()
    await case.approve()
    await case.deliver(date(2024, 5, 8))
    await case.deliver(date(2024, 5, 20), quantity=2)
    change = await _change(case, 2, date(2024, 5, 15), [_item(CARE)], removed_item_codes=(MEALS,))
    assert [(x.kind, x.amount_fen) for x in change.published(LedgerLinePosted)] == [
        ("reversal", -2 * MEAL_FEE)
    ]
    assert _record(case, date(2024, 5, 8)).billing_status == BillingStatus.BILLED.value
    later = _record(case, date(2024, 5, 20))
    assert later.reason_code == NotBillableReason.ITEM_WITHDRAWN.value
    # A service of the removed item arriving after the change is kept, not paid.
    late = await case.deliver(date(2024, 5, 22))
    assert late.published(LedgerLinePosted) == []
    assert _record(case, date(2024, 5, 22)).reason_code == NotBillableReason.ITEM_WITHDRAWN.value
    assert sum(amount for _, amount in case.amounts()) == MEAL_FEE


async def test_settlement_an_added_item_is_paid_from_the_effective_day() -> None:
    case = Case()
    await case.approve()
    await _change(case, 2, date(2024, 5, 10), [_item(CARE)], removed_item_codes=(MEALS,))
    await case.deliver(date(2024, 5, 12))
    waiting = await case.deliver(date(2024, 5, 22))  # given before the change reached us
    assert waiting.published(LedgerLinePosted) == []
    added = await _change(
        case, 3, date(2024, 5, 20), [_item(CARE), _item(MEALS)], added_item_codes=(MEALS,)
    )
    assert [x.service_date for x in added.published(LedgerLinePosted)] == [date(2024, 5, 22)]
    assert _record(case, date(2024, 5, 12)).reason_code == NotBillableReason.ITEM_WITHDRAWN.value
    assert _record(case, date(2024, 5, 22)).billing_status == BillingStatus.BILLED.value
    assert case.amounts() == [("charge", MEAL_FEE)]


async def test_settlement_a_changed_fund_moves_the_lines_from_the_effective_day() -> None:
    case = Case()
    await case.approve()
    await case.deliver(date(2024, 5, 8))
    await case.deliver(date(2024, 5, 20))
    await _change(case, 2, date(2024, 5, 15), [_item(MEALS, HOME)], changed_item_codes=(MEALS,))
    assert _by_fund(case) == {TEKUN.value: MEAL_FEE, HOME.value: MEAL_FEE}
    await case.deliver(date(2024, 5, 25))  # recorded with the old fund by the provider
    assert _by_fund(case) == {TEKUN.value: MEAL_FEE, HOME.value: 2 * MEAL_FEE}
    # A stop afterwards leaves nothing on either fund for the stopped days.
    await case.change(RecipientStatus.STOPPED, date(2024, 5, 1))
    assert _by_fund(case) == {TEKUN.value: 0, HOME.value: 0}


async def test_settlement_a_repeated_or_older_services_version_changes_nothing() -> None:
    case = Case()
    await case.approve()
    await case.deliver(date(2024, 5, 20))
    removal = (date(2024, 5, 15), [_item(CARE)])
    await _change(case, 2, *removal, removed_item_codes=(MEALS,))
    lines = len(case.store.lines)
    again = await _change(case, 2, *removal, removed_item_codes=(MEALS,))
    assert again.committed and again.published(LedgerLinePosted) == []
    await _change(case, 3, date(2024, 5, 30), [_item(CARE), _item(MEALS)])
    older = await _change(case, 2, date(2024, 5, 1), [_item(CARE)], removed_item_codes=(MEALS,))
    assert older.published(LedgerLinePosted) == []
    assert len(case.store.lines) == lines


async def test_settlement_items_before_any_change_leave_the_orders_to_decide() -> None:
    case = Case()
    case.store.orders[case.order_id] = OrderTimeline(case.provider_id, date(2024, 1, 1), None)
    await case.approve()  # approves LC-01 only; the meal order still bills as before
    uow = await case.deliver(date(2024, 5, 8))
    assert [x.amount_fen for x in uow.published(LedgerLinePosted)] == [MEAL_FEE]
