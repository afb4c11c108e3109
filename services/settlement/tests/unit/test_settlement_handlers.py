"""Settlement's billing use cases on in-memory fakes: the stop-aid path and its neighbours."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from civic.testing import FakeUnitOfWork
from contracts.dispatch import ServiceDelivered
from contracts.enums import FeeUnit, FundingSource, RecipientStatus, ServiceCategory, ServiceMode
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample
from contracts.settlement import LedgerLinePosted
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.timelines import OrderTimeline
from settlement.handlers.billing import record_service, record_services
from settlement.handlers.recipients import note_recipient_approved, note_status_changed

from .fakes import FakeBillingStore

pytestmark = pytest.mark.unit

PLACE: dict[str, Any] = {
    "county_code": "341722",
    "township_code": "341722100",
    "village_code": "341722100201",
}
MEAL_FEE = 1200


class Case:
    """One recipient with one meal order at one provider, on fake storage."""

    def __init__(self) -> None:
        self.store = FakeBillingStore()
        self.store.fees["LC-03"] = (FeeUnit.MEAL, MEAL_FEE)
        self.person_id, self.recipient_id = uuid.uuid4(), uuid.uuid4()
        self.provider_id, self.order_id = uuid.uuid4(), uuid.uuid4()
        self.store.orders[self.order_id] = OrderTimeline(self.provider_id, date(2024, 1, 1), None)

    async def approve(self, on: date = date(2024, 1, 1)) -> FakeUnitOfWork:
        event = sample(
            RecipientApproved,
            person_id=self.person_id,
            recipient_id=self.recipient_id,
            effective_date=on,
            **PLACE,
        )
        return await self._run(note_recipient_approved, event)

    async def deliver(self, day: date, quantity: int = 1) -> FakeUnitOfWork:
        return await self._run(record_service, self.delivery(day, quantity))

    def delivery(self, day: date, quantity: int = 1) -> ServiceDelivered:
        return sample(
            ServiceDelivered,
            person_id=self.person_id,
            record_id=uuid.uuid4(),
            order_id=self.order_id,
            provider_id=self.provider_id,
            provider_code="p-meals",
            recipient_id=self.recipient_id,
            item_code="LC-03",
            service_category=ServiceCategory.LIFE_CARE,
            mode=ServiceMode.GOVERNMENT_PURCHASE,
            funding_source=FundingSource.TEKUN_CARE,
            unit=FeeUnit.MEAL,
            quantity=quantity,
            service_date=day,
            **PLACE,
        )

    async def change(
        self, status: RecipientStatus, effective: date, version: int = 2
    ) -> FakeUnitOfWork:
        event = sample(
            RecipientStatusChanged,
            person_id=self.person_id,
            recipient_id=self.recipient_id,
            status=status,
            previous_status=RecipientStatus.ACTIVE,
            version=version,
            effective_date=effective,
            reason_code="assistance_stopped",
        )
        return await self._run(note_status_changed, event)

    async def _run(self, use_case: Any, event: Any) -> FakeUnitOfWork:
        uow = FakeUnitOfWork()
        await use_case(event, uow=uow, store=self.store)
        return uow

    def amounts(self) -> list[tuple[str, int]]:
        return [(line["kind"], line["amount_fen"]) for line in self.store.lines]


async def test_settlement_a_stop_reverses_the_services_from_its_effective_day() -> None:
    case = Case()
    await case.approve()
    await case.deliver(date(2024, 5, 8), quantity=3)
    stop = await case.change(RecipientStatus.STOPPED, date(2024, 5, 1))
    assert stop.committed
    reversal = stop.published(LedgerLinePosted)
    assert [(line.kind, line.amount_fen) for line in reversal] == [("reversal", -3 * MEAL_FEE)]
    assert case.amounts() == [("charge", 3 * MEAL_FEE), ("reversal", -3 * MEAL_FEE)]
    (record,) = case.store.records.values()
    assert record.billing_status == BillingStatus.NOT_BILLABLE.value
    assert record.reason_code == NotBillableReason.RECIPIENT_STOPPED.value


async def test_settlement_a_stop_after_the_service_day_leaves_it_paid() -> None:
    case = Case()
    await case.approve()
    await case.deliver(date(2024, 5, 8))
    stop = await case.change(RecipientStatus.STOPPED, date(2024, 6, 1))
    assert stop.committed
    assert stop.published(LedgerLinePosted) == []
    assert case.amounts() == [("charge", MEAL_FEE)]


async def test_settlement_a_repeated_status_version_changes_nothing() -> None:
    case = Case()
    await case.approve()
    await case.deliver(date(2024, 5, 8))
    await case.change(RecipientStatus.STOPPED, date(2024, 5, 1))
    # The same version again, now claiming a resumption: the version is known, so it is a repeat.
    again = await case.change(RecipientStatus.RESUMED, date(2024, 5, 1))
    assert again.published(LedgerLinePosted) == []
    assert case.amounts() == [("charge", MEAL_FEE), ("reversal", -MEAL_FEE)]


async def test_settlement_a_service_before_approval_waits_then_is_billed() -> None:
    case = Case()
    early = await case.deliver(date(2024, 5, 8), quantity=2)
    assert early.published(LedgerLinePosted) == []
    (record,) = case.store.records.values()
    assert record.billing_status == BillingStatus.PENDING.value
    approval = await case.approve()
    assert [line.amount_fen for line in approval.published(LedgerLinePosted)] == [2 * MEAL_FEE]
    assert case.store.held_people == [case.person_id, case.person_id]


async def test_settlement_a_redelivered_record_posts_nothing_twice() -> None:
    case = Case()
    await case.approve()
    delivered = case.delivery(date(2024, 5, 8))
    first, again = FakeUnitOfWork(), FakeUnitOfWork()
    await record_service(delivered, uow=first, store=case.store)
    await record_service(delivered, uow=again, store=case.store)
    assert len(first.published(LedgerLinePosted)) == 1
    assert again.committed
    assert again.published(LedgerLinePosted) == []


async def test_settlement_a_line_for_a_closed_month_lands_on_the_next_open_one() -> None:
    case = Case()
    await case.approve()
    case.store.closed.add("2024-05")
    uow = await case.deliver(date(2024, 5, 8))
    (line,) = uow.published(LedgerLinePosted)
    assert line.period == "2024-06"


async def test_settlement_a_run_of_services_bills_each_once_caused_by_its_own_event() -> None:
    case = Case()
    await case.approve()
    days = [case.delivery(date(2024, 5, day)) for day in (6, 7, 8)]
    run = [days[0], days[1], days[0], days[2]]  # the first record twice in one run
    held_before = len(case.store.held_people)
    uow = FakeUnitOfWork()
    await record_services(run, uow=uow, store=case.store)
    posted = uow.published(LedgerLinePosted)
    assert len(posted) == 3 and uow.commits == 1
    assert {line.cause_event_id for line in posted} == {e.event_id for e in days}
    assert case.store.held_people[held_before:] == [case.person_id]  # one hold for the run
    again = FakeUnitOfWork()
    await record_services(days, uow=again, store=case.store)
    assert again.published(LedgerLinePosted) == []
