"""What settlement listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from civic.batches import BatchHandler, EventHandler
from civic.consumer import TopicConsumer
from civic.uow import UnitOfWork
from contracts import topics
from contracts.dispatch import (
    NeighbourServiceRecorded,
    ProviderRegistered,
    ProviderUpdated,
    ServiceDelivered,
    ServiceOrderAccepted,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderDeclined,
    ServiceOrderPaused,
    ServiceOrderResumed,
)
from contracts.review import RecipientApproved, RecipientServicesChanged, RecipientStatusChanged
from contracts.supervision import ComplaintResolved
from settlement.handlers import complaints, readmodels, recipients
from settlement.handlers.billing import (
    record_neighbour_service,
    record_service,
    record_services,
)

GROUP = "settlement"

#: A use case run for one event: ``use_case(event, uow=uow)``.
UseCase = Callable[..., Awaitable[None]]

#: Each topic settlement reads, what it reads it for, and the use case of each event type.
SUBSCRIPTIONS: tuple[tuple[str, str, dict[type[Any], UseCase]], ...] = (
    (
        topics.DISPATCH_SERVICES,
        "Bills delivered services.",
        # A validated service record is kept and billed if payable that day; a neighbour's
        # help recorded by the village is counted for the yearly subsidy.
        {ServiceDelivered: record_service, NeighbourServiceRecorded: record_neighbour_service},
    ),
    (
        topics.REVIEW_DECISIONS,
        "Keeps approved recipients.",
        # A new recipient: services waiting for it are billed now.
        {RecipientApproved: recipients.note_recipient_approved},
    ),
    (
        topics.REVIEW_RECIPIENT_STATUS,
        "Stops or resumes billing by status; bills by the recipient's changed items.",
        # A status change, or a change of the approved items, re-prices the recipient's
        # services from its effective date.
        {
            RecipientStatusChanged: recipients.note_status_changed,
            RecipientServicesChanged: recipients.note_services_changed,
        },
    ),
    (
        topics.DISPATCH_ORDERS,
        "Keeps orders and their changes.",
        # A new order bills the services waiting for it; an answer is noted (for the
        # provider's performance); a pause, resumption or cancellation re-prices from then.
        {
            ServiceOrderCreated: readmodels.note_order_created,
            ServiceOrderAccepted: readmodels.note_order_answered,
            ServiceOrderDeclined: readmodels.note_order_answered,
            ServiceOrderPaused: readmodels.note_order_changed,
            ServiceOrderResumed: readmodels.note_order_changed,
            ServiceOrderCancelled: readmodels.note_order_changed,
        },
    ),
    (
        topics.DISPATCH_PROVIDERS,
        "Keeps provider names.",
        # A provider's name and type (new or changed), for statements.
        {ProviderRegistered: readmodels.note_provider, ProviderUpdated: readmodels.note_provider},
    ),
    (
        topics.DISPATCH_COMPLAINTS,
        "Reverses services of substantiated complaints.",
        # A resolved complaint's outcome is kept; substantiated, the service record it names
        # is taken out of payment (once). Opened and escalated complaints are not settlement's
        # (the consumer ignores types it has no use case for).
        {ComplaintResolved: complaints.note_complaint_resolved},
    ),
)


def _handler(use_case: UseCase) -> EventHandler:
    """The consumer's handler that hands an event and its unit of work to ``use_case``."""

    async def handle(event: Any, uow: UnitOfWork) -> None:
        await use_case(event, uow=uow)

    return handle


def _run_handler(use_case: UseCase) -> BatchHandler:
    """The consumer's handler that hands a run of events and its unit of work to ``use_case``."""

    async def handle(events: list[Any], uow: UnitOfWork) -> None:
        await use_case(events, uow=uow)

    return handle


def build_consumers() -> list[TopicConsumer]:
    """Returns settlement's subscriptions."""
    consumers = []
    for topic, description, use_cases in SUBSCRIPTIONS:
        consumer = TopicConsumer(topic, group=GROUP, description=description)
        for event_cls, use_case in use_cases.items():
            consumer.on(event_cls)(_handler(use_case))
        if topic == topics.DISPATCH_SERVICES:
            # The hot path of a month: a run of delivered services is kept in a few statements.
            consumer.on_batch(ServiceDelivered)(_run_handler(record_services))
        consumers.append(consumer)
    return consumers
