"""Billing rules (hypothesis): the fee in force on the service day, who was active that day."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.enums import FeeUnit, RecipientStatus, ServiceMode
from contracts.settlement import version_in_force
from settlement.domain import catalogue
from settlement.domain.billing import Price, Service, entitle
from settlement.domain.catalogue import VersionHead
from settlement.domain.months import days_in, month_of
from settlement.domain.reasons import NotBillableReason
from settlement.domain.timelines import OrderStep, OrderTimeline, RecipientTimeline, StatusStep

pytestmark = pytest.mark.unit

PROVIDER = uuid.uuid4()
START = date(2024, 1, 1)
days = st.integers(min_value=0, max_value=365).map(lambda n: START + timedelta(days=n))
fees = st.integers(min_value=1, max_value=500_000)


def approved(on: date = START, *changes: StatusStep) -> RecipientTimeline:
    return RecipientTimeline((StatusStep(1, on, RecipientStatus.ACTIVE), *changes))


def open_order(*steps: OrderStep, start: date = START, end: date | None = None) -> OrderTimeline:
    return OrderTimeline(PROVIDER, start, end, steps)


def service(day: date, unit: FeeUnit = FeeUnit.VISIT, quantity: int = 1, **kw: object) -> Service:
    values: dict[str, object] = {"provider_id": PROVIDER, "mode": ServiceMode.GOVERNMENT_PURCHASE}
    values.update(kw)
    return Service(unit=unit, quantity=quantity, service_date=day, **values)  # type: ignore[arg-type]


@given(
    versions=st.lists(st.tuples(days, fees), min_size=1, max_size=6),
    day=days,
    quantity=st.integers(min_value=1, max_value=8),
)
def test_settlement_billing_uses_the_fee_in_force_on_the_service_date(
    versions: list[tuple[date, int]], day: date, quantity: int
) -> None:
    versions = sorted(versions, key=lambda pair: pair[0])  # a new version never starts earlier
    heads = [VersionHead(n, start) for n, (start, _) in enumerate(versions, start=1)]
    fee_of = {n: fee for n, (_, fee) in enumerate(versions, start=1)}
    head = version_in_force(heads, day)
    price = Price(None) if head is None else Price(head.version, FeeUnit.HOUR, fee_of[head.version])
    got = entitle(
        service(day, FeeUnit.HOUR, quantity), recipient=approved(), order=open_order(), price=price
    )
    started = [(n, f) for n, (s, f) in enumerate(versions, start=1) if s <= day]
    if not started:
        assert got.reason is NotBillableReason.NO_CATALOGUE
        return
    number, fee = max(started)  # the newest version already in force that day
    assert got.billable
    assert (got.catalogue_version, got.unit_fee_fen) == (number, fee)
    assert got.amount_fen == quantity * fee


@given(stop=days, day=days, fee=fees)
def test_settlement_a_service_on_or_after_the_stop_date_is_not_billed_and_says_why(
    stop: date, day: date, fee: int
) -> None:
    recipient = approved(START, StatusStep(2, stop, RecipientStatus.STOPPED))
    got = entitle(
        service(day), recipient=recipient, order=open_order(), price=Price(1, FeeUnit.VISIT, fee)
    )
    if day >= stop:
        assert got.reason is NotBillableReason.RECIPIENT_STOPPED
        assert got.amount_fen == 0
        assert got.reason.label_zh == "服务对象已停止救助"
    else:
        assert got.billable
        assert got.amount_fen == fee


@given(
    steps=st.lists(
        st.tuples(
            days,
            st.sampled_from(
                [RecipientStatus.SUSPENDED, RecipientStatus.RESUMED, RecipientStatus.STOPPED]
            ),
        ),
        max_size=5,
    ),
    day=days,
    order=st.randoms(use_true_random=False),
)
def test_settlement_status_versions_decide_the_same_way_in_any_arrival_order(
    steps: list[tuple[date, RecipientStatus]], day: date, order: object
) -> None:
    versions = [StatusStep(n, d, s) for n, (d, s) in enumerate(steps, start=2)]
    shuffled = list(versions)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    price = Price(1, FeeUnit.VISIT, 100)
    a = entitle(service(day), recipient=approved(START, *versions), order=open_order(), price=price)
    b = entitle(service(day), recipient=approved(START, *shuffled), order=open_order(), price=price)
    assert a == b
    in_effect = [v for v in versions if v.effective_date <= day]
    latest = max(in_effect, key=lambda v: v.version).status if in_effect else RecipientStatus.ACTIVE
    assert a.billable is (latest in (RecipientStatus.ACTIVE, RecipientStatus.RESUMED))


@given(
    start=days,
    quantity=st.integers(min_value=1, max_value=40),
    stop_after=st.integers(0, 45),
    fee=fees,
)
def test_settlement_per_day_items_are_paid_for_the_days_before_the_stop(
    start: date, quantity: int, stop_after: int, fee: int
) -> None:
    stop = start + timedelta(days=stop_after)
    recipient = approved(START, StatusStep(2, stop, RecipientStatus.STOPPED))
    got = entitle(
        service(start, FeeUnit.DAY, quantity),
        recipient=recipient,
        order=open_order(),
        price=Price(1, FeeUnit.DAY, fee),
    )
    paid_days = min(quantity, stop_after)
    if paid_days == 0:
        assert got.reason is NotBillableReason.RECIPIENT_STOPPED
    else:
        assert (got.quantity, got.amount_fen) == (paid_days, paid_days * fee)


@given(day=days, stop_day=st.integers(1, 31), fee=fees)
def test_settlement_per_month_items_are_prorated_by_active_days_rounded_down(
    day: date, stop_day: int, fee: int
) -> None:
    month = month_of(day)
    length = days_in(month)
    stop = date(day.year, day.month, min(stop_day, length))
    recipient = approved(START, StatusStep(2, stop, RecipientStatus.DECEASED))
    got = entitle(
        service(day, FeeUnit.MONTH),
        recipient=recipient,
        order=open_order(),
        price=Price(1, FeeUnit.MONTH, fee),
    )
    active = stop.day - 1 if stop.month == day.month else length
    if active == 0:
        assert got.reason is NotBillableReason.RECIPIENT_DECEASED
        return
    assert got.amount_fen == fee * active // length
    assert got.amount_fen <= got.full_fen == fee


@given(pause=days, resume_after=st.integers(1, 60), day=days)
def test_settlement_a_paused_order_is_not_billed_until_it_resumes(
    pause: date, resume_after: int, day: date
) -> None:
    resume = pause + timedelta(days=resume_after)
    order = open_order(OrderStep(2, pause, "paused"), OrderStep(3, resume, "resumed"))
    got = entitle(
        service(day), recipient=approved(), order=order, price=Price(1, FeeUnit.VISIT, 500)
    )
    if pause <= day < resume:
        assert got.reason is NotBillableReason.ORDER_PAUSED
    else:
        assert got.billable


def test_settlement_records_that_cannot_be_billed_keep_a_reason() -> None:
    price = Price(1, FeeUnit.VISIT, 500)
    day = date(2024, 5, 6)
    cases = {
        NotBillableReason.AWAITING_RECIPIENT: entitle(
            service(day), recipient=None, order=open_order(), price=price
        ),
        NotBillableReason.AWAITING_ORDER: entitle(
            service(day), recipient=approved(), order=None, price=price
        ),
        NotBillableReason.PROVIDER_MISMATCH: entitle(
            service(day, provider_id=uuid.uuid4()),
            recipient=approved(),
            order=open_order(),
            price=price,
        ),
        NotBillableReason.ITEM_NOT_IN_CATALOGUE: entitle(
            service(day), recipient=approved(), order=open_order(), price=Price(1)
        ),
        NotBillableReason.UNIT_MISMATCH: entitle(
            service(day, FeeUnit.HOUR), recipient=approved(), order=open_order(), price=price
        ),
        NotBillableReason.NO_FEE: entitle(
            service(day), recipient=approved(), order=open_order(), price=Price(1, FeeUnit.VISIT, 0)
        ),
        NotBillableReason.UNPAID_MODE: entitle(
            service(day, mode=ServiceMode.CHARITY_REFERRAL),
            recipient=approved(),
            order=open_order(),
            price=price,
        ),
        NotBillableReason.NEIGHBOUR_SUBSIDY: entitle(
            service(day, mode=ServiceMode.NEIGHBOUR_MUTUAL_AID),
            recipient=approved(),
            order=open_order(),
            price=price,
        ),
        NotBillableReason.SPOT_CHECK_FAILED: entitle(
            service(day), recipient=approved(), order=open_order(), price=price, disallowed=True
        ),
        NotBillableReason.RECIPIENT_NOT_YET_ACTIVE: entitle(
            service(day),
            recipient=approved(day + timedelta(days=1)),
            order=open_order(),
            price=price,
        ),
        NotBillableReason.ORDER_NOT_ACTIVE: entitle(
            service(day),
            recipient=approved(),
            order=open_order(end=day - timedelta(days=1)),
            price=price,
        ),
    }
    for reason, got in cases.items():
        assert got.reason is reason, reason
        assert got.amount_fen == 0
        assert reason.label_zh


def test_settlement_the_demo_catalogue_is_the_agreed_example_list() -> None:
    items = {i.item_code: i for i in catalogue.demo_items()}
    assert len(items) == 16
    assert all(i.is_example for i in items.values())
    assert (items["LC-01"].name_zh, items["LC-01"].unit, items["LC-01"].fee_fen) == (
        "居家照料",
        FeeUnit.HOUR,
        3000,
    )
    assert (items["IC-01"].unit, items["IC-01"].fee_fen) == (FeeUnit.DAY, 8000)
    assert (items["HC-02"].unit, items["HC-02"].fee_fen) == (FeeUnit.MONTH, 3000)
    assert (items["CB-01"].unit, items["CB-01"].fee_fen) == (FeeUnit.HOUR, 8000)
    assert {c for c, i in items.items() if i.fee_fen == 0} == {
        "LC-05",
        "LC-06",
        "HC-03",
        "CB-02",
        "CB-04",
        "CB-05",
    }
    assert catalogue.county_units() == ("341702", "341721", "341722", "341723", "341791", "341792")


@given(latest=days, wanted=days, today=days)
def test_settlement_a_new_catalogue_version_only_adds_and_never_starts_in_the_past(
    latest: date, wanted: date, today: date
) -> None:
    head = VersionHead(3, latest)
    if wanted < today or wanted < latest:
        with pytest.raises(catalogue.CatalogueRuleError):
            catalogue.next_version(head, wanted, today)
    else:
        assert catalogue.next_version(head, wanted, today) == 4
    assert catalogue.next_version(None, wanted, today) == 1
