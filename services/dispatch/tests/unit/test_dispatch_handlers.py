"""dispatch's use cases on in-memory fakes: a recipient's stop, pause and resumption reach
their orders and providers; stale, repeated and early changes; a refusal; joined work."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from civic.errors import NotFound
from civic.security import Principal
from civic.testing import FakeUnitOfWork
from contracts import topics
from contracts.dispatch.orders import ServiceOrderCancelled, ServiceOrderPaused
from contracts.dispatch.provider_topic import OrderCancelled, OrderResumed
from contracts.enums import RecipientStatus, Role, StatusSource
from contracts.kinds import AlertChannel
from contracts.reasons import OrderChangeReason, StatusChangeReason
from contracts.review import RecipientStatusChanged
from dispatch.domain.doorbell import Contact
from dispatch.domain.orders import OrderStatus
from dispatch.handlers import Timing
from dispatch.handlers.doorbell import set_duty_list
from dispatch.handlers.status import catch_up, react_to_status

from .fakes import FakeStatusStore

pytestmark = pytest.mark.unit

TIMING = Timing(
    order_response=timedelta(hours=48),
    doorbell_answer=timedelta(minutes=3),
    record_clock_skew=timedelta(minutes=5),
    change_acknowledgement=timedelta(hours=1),
)
REASONS = {
    RecipientStatus.STOPPED: StatusChangeReason.ASSISTANCE_STOPPED,
    RecipientStatus.SUSPENDED: StatusChangeReason.ASSISTANCE_SUSPENDED,
    RecipientStatus.RESUMED: StatusChangeReason.ASSISTANCE_RESUMED,
}


def status_changed(
    recipient_id: uuid.UUID, status: RecipientStatus, version: int
) -> RecipientStatusChanged:
    """Review's event for one change of the recipient's status."""
    return RecipientStatusChanged(
        person_id=uuid.uuid5(uuid.NAMESPACE_OID, str(recipient_id)),
        recipient_id=recipient_id,
        status=status,
        previous_status=RecipientStatus.ACTIVE,
        version=version,
        effective_date=date(2026, 12, 1),
        reason_code=REASONS[status],
        source=StatusSource.REVIEW_OFFICER,
    )


async def test_dispatch_a_stop_ends_open_orders_and_tells_their_provider() -> None:
    store, uow, recipient = FakeStatusStore(), FakeUnitOfWork(), uuid.uuid4()
    store.approve(recipient)
    accepted = store.add_order(recipient, OrderStatus.ACCEPTED)
    queued = store.add_order(recipient, OrderStatus.QUEUED, provider_code=None)
    finished = store.add_order(recipient, OrderStatus.CANCELLED)

    stop = status_changed(recipient, RecipientStatus.STOPPED, 2)
    await react_to_status(stop, uow=uow, timing=TIMING, store=store)

    assert uow.committed
    assert store.orders[accepted].status == OrderStatus.CANCELLED
    assert store.orders[accepted].active_until == stop.effective_date
    assert store.orders[queued].status == OrderStatus.CANCELLED
    assert store.orders[finished].version == 1  # already ended: left alone
    cancelled = uow.published(ServiceOrderCancelled)
    assert {e.order_id for e in cancelled} == {accepted, queued}
    assert {e.reason_code for e in cancelled} == {OrderChangeReason.RECIPIENT_STOPPED}
    # Only the order with a provider is told on that provider's own topic, and must be answered.
    (told,) = uow.published(OrderCancelled)
    assert told.order_id == accepted
    assert [p.topic for p in uow.outbox if p.event is told] == [topics.provider_orders("p001")]
    (owed,) = store.expected_acknowledgements
    assert (owed["order_id"], owed["change_id"]) == (accepted, told.event_id)
    assert store.versions[recipient] == 2
    assert (recipient, 2) in store.applied


async def test_dispatch_a_stale_or_repeated_change_changes_nothing() -> None:
    store, recipient = FakeStatusStore(), uuid.uuid4()
    store.approve(recipient, version=3)
    order = store.add_order(recipient, OrderStatus.ACCEPTED)

    stale = FakeUnitOfWork()
    await react_to_status(
        status_changed(recipient, RecipientStatus.STOPPED, 2), uow=stale, timing=TIMING, store=store
    )
    assert stale.events == [] and store.log_of_changes == {}

    stop = status_changed(recipient, RecipientStatus.STOPPED, 4)
    await react_to_status(stop, uow=FakeUnitOfWork(), timing=TIMING, store=store)
    store.versions[recipient] = 3  # as if the first delivery had not been applied yet
    repeat = FakeUnitOfWork()
    await react_to_status(stop, uow=repeat, timing=TIMING, store=store)
    assert repeat.events == []  # the log knows version 4: not applied twice
    assert store.orders[order].version == 2


async def test_dispatch_a_change_before_the_approval_waits_then_catches_up() -> None:
    store, recipient = FakeStatusStore(), uuid.uuid4()
    early = FakeUnitOfWork()
    await react_to_status(
        status_changed(recipient, RecipientStatus.SUSPENDED, 2),
        uow=early,
        timing=TIMING,
        store=store,
    )
    assert early.events == []
    assert [c.version for c in await store.waiting(recipient)] == [2]

    store.approve(recipient)  # the approval placed an order meanwhile
    order = store.add_order(recipient, OrderStatus.ASSIGNED)
    later = FakeUnitOfWork()
    await catch_up(recipient, uow=later, timing=TIMING, store=store)

    assert store.orders[order].status == OrderStatus.PAUSED
    assert [e.order_id for e in later.published(ServiceOrderPaused)] == [order]
    assert await store.waiting(recipient) == []


async def test_dispatch_a_resumption_restores_what_the_pause_interrupted() -> None:
    store, uow, recipient = FakeStatusStore(), FakeUnitOfWork(), uuid.uuid4()
    store.approve(recipient)
    order = store.add_order(recipient, OrderStatus.ASSIGNED)  # not yet answered

    suspend = status_changed(recipient, RecipientStatus.SUSPENDED, 2)
    await react_to_status(suspend, uow=uow, timing=TIMING, store=store)
    assert store.orders[order].paused_from == OrderStatus.ASSIGNED
    resume = status_changed(recipient, RecipientStatus.RESUMED, 3)
    await react_to_status(resume, uow=uow, timing=TIMING, store=store)

    assert store.orders[order].status == OrderStatus.ASSIGNED  # not silently "accepted"
    assert store.orders[order].paused_from is None
    assert store.orders[order].respond_by is not None  # a fresh time to answer
    assert [e.order_id for e in uow.published(OrderResumed)] == [order]


async def test_dispatch_the_handler_joins_the_consumers_unit_of_work() -> None:
    store, uow, recipient = FakeStatusStore(), FakeUnitOfWork(), uuid.uuid4()
    store.approve(recipient)
    store.add_order(recipient, OrderStatus.ACCEPTED)

    async with uow:  # the consumer's block, holding the event's claim
        stop = status_changed(recipient, RecipientStatus.STOPPED, 2)
        await react_to_status(stop, uow=uow, timing=TIMING, store=store)
        assert uow.events == []  # nothing is published before the consumer commits
        await uow.commit()

    assert uow.commits == 1
    assert len(uow.published(ServiceOrderCancelled)) == 1


async def test_dispatch_a_duty_list_needs_a_township_code() -> None:
    uow = FakeUnitOfWork()
    officer = Principal("t-1", frozenset({Role.TOWNSHIP_OFFICER}), division="341702008")
    with pytest.raises(NotFound) as refused:
        await set_duty_list(
            [Contact("duty-1", AlertChannel.SMS)],
            township_code="34170200",
            officer=officer,
            uow=uow,
        )
    assert refused.value.code == "township_not_found"
    assert uow.commits == 0
