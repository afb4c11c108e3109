"""A recipient's status change, as the pure rule decides it: which orders, and what happens."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.dispatch.services import RecordCheck
from contracts.enums import RecipientCategory, RecipientStatus
from contracts.reasons import OrderChangeReason, RecordRefusalReason, StatusChangeReason
from dispatch.domain.orders import OrderAction, OrderStatus
from dispatch.domain.records import REASON_OF, OrderTerms, Report, check_record
from dispatch.domain.status import Area, OrderView, StatusChange, ended_on, is_news, react

from .fakes import ACCEPTED_TERMS, TRAINED_WORKER, proper_report

pytestmark = pytest.mark.unit

S = RecipientStatus
DAY = date(2026, 6, 10)
QUEUED, ASSIGNED, ACCEPTED, PAUSED, DECLINED, CANCELLED = (
    OrderView(uuid.uuid4(), OrderStatus.QUEUED),
    OrderView(uuid.uuid4(), OrderStatus.ASSIGNED),
    OrderView(uuid.uuid4(), OrderStatus.ACCEPTED),
    OrderView(uuid.uuid4(), OrderStatus.PAUSED, paused_from=OrderStatus.ASSIGNED),
    OrderView(uuid.uuid4(), OrderStatus.DECLINED),
    OrderView(uuid.uuid4(), OrderStatus.CANCELLED),
)
ORDERS = [QUEUED, ASSIGNED, ACCEPTED, PAUSED, DECLINED, CANCELLED]


def change(status: RecipientStatus, version: int = 2, **fields: object) -> StatusChange:
    values: dict[str, object] = {
        "recipient_id": uuid.uuid4(),
        "version": version,
        "status": status,
        "effective_date": DAY,
        "reason_code": StatusChangeReason.OTHER,
        "cause_event_id": uuid.uuid4(),
    }
    return StatusChange(**(values | fields))  # type: ignore[arg-type]


def outcome(status: RecipientStatus, **fields: object) -> dict[uuid.UUID, tuple[object, ...]]:
    """Each touched order: (action, reason, status it ends in, re-referred)."""
    return {
        s.order_id: (s.action, s.reason, s.becomes, s.re_refer)
        for s in react(change(status, **fields), ORDERS)
    }


@pytest.mark.parametrize(
    ("status", "reason"),
    [(S.STOPPED, OrderChangeReason.RECIPIENT_STOPPED), (S.DECEASED, "recipient_deceased")],
)
def test_dispatch_a_stop_or_a_death_ends_every_open_order(
    status: RecipientStatus, reason: str
) -> None:
    ended = (OrderAction.CANCEL, reason, OrderStatus.CANCELLED, False)
    assert outcome(status) == {o.order_id: ended for o in (QUEUED, ASSIGNED, ACCEPTED, PAUSED)}


def test_dispatch_a_suspension_pauses_the_running_orders_and_leaves_paused_ones() -> None:
    paused = (OrderAction.PAUSE, "recipient_suspended", OrderStatus.PAUSED, False)
    assert outcome(S.SUSPENDED, expected_end=date(2026, 7, 1)) == {
        o.order_id: paused for o in (QUEUED, ASSIGNED, ACCEPTED)
    }


def test_dispatch_a_resumption_returns_each_paused_order_to_where_it_stood() -> None:
    accepted_before = OrderView(uuid.uuid4(), OrderStatus.PAUSED, paused_from=OrderStatus.ACCEPTED)
    steps = react(change(S.RESUMED, 3), [*ORDERS, accepted_before])
    assert [(s.order_id, s.action, s.becomes) for s in steps] == [
        (PAUSED.order_id, OrderAction.RESUME, OrderStatus.ASSIGNED),
        (accepted_before.order_id, OrderAction.RESUME, OrderStatus.ACCEPTED),
    ]
    assert {s.reason for s in steps} == {OrderChangeReason.RECIPIENT_RESUMED}


def test_dispatch_a_transfer_ends_every_open_order_and_refers_it_again() -> None:
    area = Area("341702", "341702100", "341702100201")
    moved = (OrderAction.CANCEL, "recipient_transferred", OrderStatus.CANCELLED, True)
    assert outcome(S.TRANSFERRED, new_area=area) == {
        o.order_id: moved for o in (QUEUED, ASSIGNED, ACCEPTED, PAUSED)
    }


def test_dispatch_a_category_change_keeps_every_order() -> None:
    assert outcome(S.CATEGORY_CHANGED, new_category=RecipientCategory.TEKUN) == {}


def test_dispatch_only_a_newer_status_version_is_news() -> None:
    held = 2
    assert is_news(held, change(S.STOPPED, version=3))
    assert not is_news(held, change(S.STOPPED, version=2))  # the same change again
    assert not is_news(held, change(S.SUSPENDED, version=1))  # an older one, late


def test_dispatch_aid_ends_on_the_effective_day_of_a_stop_or_a_death_only() -> None:
    assert ended_on(change(S.STOPPED)) == DAY
    assert ended_on(change(S.DECEASED)) == DAY
    assert ended_on(change(S.SUSPENDED)) is None
    assert (
        ended_on(change(S.TRANSFERRED, new_area=Area("341702", "341702100", "341702100201")))
        is None
    )


# --- service records after a status change --------------------------------------------

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 16:00 in Chizhou
TERMS = ACCEPTED_TERMS
REPORT = proper_report(NOW)


def check(terms: OrderTerms, report: Report = REPORT) -> object:
    return check_record(
        terms, report, now=NOW, skew=timedelta(minutes=5), overlaps=False, worker=TRAINED_WORKER
    )


def test_dispatch_a_record_on_a_paused_or_ended_order_is_refused() -> None:
    assert check(replace(TERMS, status=OrderStatus.PAUSED)) is RecordCheck.ORDER_PAUSED
    assert check(replace(TERMS, status=OrderStatus.CANCELLED)) is RecordCheck.ORDER_CANCELLED
    assert REASON_OF[RecordCheck.ORDER_PAUSED] is RecordRefusalReason.ORDER_NOT_ACTIVE


def test_dispatch_a_record_on_or_after_the_day_aid_ended_is_refused() -> None:
    assert check(replace(TERMS, recipient_ended_on=DAY)) is RecordCheck.RECIPIENT_ENDED
    assert check(replace(TERMS, recipient_ended_on=DAY - timedelta(days=3))) is (
        RecordCheck.RECIPIENT_ENDED
    )
    assert check(replace(TERMS, recipient_ended_on=DAY + timedelta(days=1))) is None
    assert REASON_OF[RecordCheck.RECIPIENT_ENDED] is RecordRefusalReason.RECIPIENT_NOT_ACTIVE
