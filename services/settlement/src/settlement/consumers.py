"""What settlement listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

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
from contracts.review import RecipientApproved, RecipientStatusChanged
from settlement.handlers import readmodels, recipients
from settlement.handlers.billing import record_neighbour_service, record_service

GROUP = "settlement"


def _services() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.DISPATCH_SERVICES, group=GROUP, description="Bills delivered services."
    )

    @consumer.on(ServiceDelivered)
    async def on_delivered(event: ServiceDelivered, uow: UnitOfWork) -> None:
        """A validated service record: keep it, and bill it if payable that day."""
        await record_service(event, uow=uow)

    @consumer.on(NeighbourServiceRecorded)
    async def on_neighbour(event: NeighbourServiceRecorded, uow: UnitOfWork) -> None:
        """A neighbour's help recorded by the village: counted for the yearly subsidy."""
        await record_neighbour_service(event, uow=uow)

    return consumer


def _decisions() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.REVIEW_DECISIONS, group=GROUP, description="Keeps approved recipients."
    )

    @consumer.on(RecipientApproved)
    async def on_approved(event: RecipientApproved, uow: UnitOfWork) -> None:
        """A new recipient: services waiting for it are billed now."""
        await recipients.note_recipient_approved(event, uow=uow)

    return consumer


def _status() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.REVIEW_RECIPIENT_STATUS,
        group=GROUP,
        description="Stops or resumes billing by status.",
    )

    @consumer.on(RecipientStatusChanged)
    async def on_status(event: RecipientStatusChanged, uow: UnitOfWork) -> None:
        """A status change: re-price the recipient's services from its effective date."""
        await recipients.note_status_changed(event, uow=uow)

    return consumer


def _orders() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.DISPATCH_ORDERS, group=GROUP, description="Keeps orders and their changes."
    )

    @consumer.on(ServiceOrderCreated)
    async def on_created(event: ServiceOrderCreated, uow: UnitOfWork) -> None:
        """A new order: services waiting for it are billed now."""
        await readmodels.note_order_created(event, uow=uow)

    @consumer.on(ServiceOrderAccepted)
    async def on_accepted(event: ServiceOrderAccepted, uow: UnitOfWork) -> None:
        """The provider accepted: note when (for its performance)."""
        await readmodels.note_order_answered(event, uow=uow)

    @consumer.on(ServiceOrderDeclined)
    async def on_declined(event: ServiceOrderDeclined, uow: UnitOfWork) -> None:
        """The provider declined: note when (for its performance)."""
        await readmodels.note_order_answered(event, uow=uow)

    for cls in (ServiceOrderPaused, ServiceOrderResumed, ServiceOrderCancelled):

        @consumer.on(cls)
        async def on_changed(event: ServiceOrderPaused, uow: UnitOfWork) -> None:
            """A pause, resumption or cancellation: re-price the order's services from then."""
            await readmodels.note_order_changed(event, uow=uow)

    return consumer


def _providers() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.DISPATCH_PROVIDERS, group=GROUP, description="Keeps provider names."
    )

    @consumer.on(ProviderRegistered)
    async def on_registered(event: ProviderRegistered, uow: UnitOfWork) -> None:
        """A provider's name and type, for statements."""
        await readmodels.note_provider(event, uow=uow)

    @consumer.on(ProviderUpdated)
    async def on_updated(event: ProviderUpdated, uow: UnitOfWork) -> None:
        """A provider's new name or type, for statements."""
        await readmodels.note_provider(event, uow=uow)

    return consumer


def build_consumers() -> list[TopicConsumer]:
    """Returns settlement's subscriptions."""
    return [_services(), _decisions(), _status(), _orders(), _providers()]
