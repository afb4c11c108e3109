"""What archive listens to on Kafka, and which use case each event triggers.

Archive's own events are mirrored, minimised, on ``bigdata.events.v1`` like every service's.
"""

from __future__ import annotations

from typing import Any

from archive.context import ArchiveContext
from archive.handlers import dashboards, services_changes
from archive.handlers import events as event_handlers
from civic.consumer import TopicConsumer
from civic.uow import UnitOfWork
from contracts import dispatch as dispatch_events
from contracts import intake, settlement, supervision, survey, topics
from contracts.review import (
    ApplicationRejected,
    RecipientApproved,
    RecipientServicesChanged,
    RecipientStatusChanged,
)

GROUP = "archive"


async def _note(event: Any, uow: UnitOfWork) -> None:
    """Adds the event to the person's history."""
    await event_handlers.note_event(event, uow=uow)


def _history_only(topic: str, classes: tuple[Any, ...], description: str) -> TopicConsumer:
    consumer = TopicConsumer(topic, group=GROUP, description=description)
    consumer.on(*classes)(_note)
    return consumer


def _decisions(ctx: ArchiveContext) -> TopicConsumer:
    c = TopicConsumer(topics.REVIEW_DECISIONS, GROUP, "Approvals open files with service numbers.")

    @c.on(RecipientApproved)
    async def on_approved(event: RecipientApproved, uow: UnitOfWork) -> None:
        """Opens the person's file and refreshes the village board."""
        await event_handlers.open_file(event, uow=uow, ctx=ctx)

    c.on(ApplicationRejected)(_note)
    return c


def _status(ctx: ArchiveContext) -> TopicConsumer:
    c = TopicConsumer(
        topics.REVIEW_RECIPIENT_STATUS,
        GROUP,
        "Status changes and changes of services update files and boards.",
    )

    @c.on(RecipientStatusChanged)
    async def on_status(event: RecipientStatusChanged, uow: UnitOfWork) -> None:
        """Records the change in the file and refreshes the boards."""
        await event_handlers.record_status_change(event, uow=uow, ctx=ctx)

    @c.on(RecipientServicesChanged)
    async def on_services(event: RecipientServicesChanged, uow: UnitOfWork) -> None:
        """Records the change of services in the file and refreshes the board."""
        await services_changes.record_services_change(event, uow=uow, ctx=ctx)

    return c


def _orders(ctx: ArchiveContext) -> TopicConsumer:
    c = TopicConsumer(topics.DISPATCH_ORDERS, GROUP, "Orders go into files; boards name providers.")

    @c.on(dispatch_events.ServiceOrderCreated)
    async def on_created(event: dispatch_events.ServiceOrderCreated, uow: UnitOfWork) -> None:
        """Adds the order to the file."""
        await event_handlers.record_order(event, uow=uow, ctx=ctx)

    async def on_change(event: Any, uow: UnitOfWork) -> None:
        """Moves the order to its new state."""
        await event_handlers.record_order_change(event, uow=uow, ctx=ctx)

    c.on(*event_handlers.ORDER_STATES)(on_change)
    return c


def _services() -> TopicConsumer:
    c = TopicConsumer(
        topics.DISPATCH_SERVICES, GROUP, "Service plans and records go into files and ledgers."
    )

    async def on_record(event: Any, uow: UnitOfWork) -> None:
        """Adds the service record to the file."""
        await event_handlers.record_service(event, uow=uow)

    c.on(dispatch_events.ServiceDelivered, dispatch_events.ServiceRecordRefused)(on_record)
    c.on(dispatch_events.ServicePlanRecorded)(_note)
    return c


def _reference(ctx: ArchiveContext) -> list[TopicConsumer]:
    providers = TopicConsumer(topics.DISPATCH_PROVIDERS, GROUP, "Provider names for boards.")
    catalogue = TopicConsumer(topics.SETTLEMENT_CATALOGUE, GROUP, "Item names for boards.")

    async def on_provider(event: Any, uow: UnitOfWork) -> None:
        """Keeps the provider's name and type."""
        await event_handlers.record_provider(event, uow=uow, ctx=ctx)

    async def on_catalogue(event: Any, uow: UnitOfWork) -> None:
        """Keeps the county's item names."""
        await event_handlers.record_catalogue(event, uow=uow, ctx=ctx)

    providers.on(dispatch_events.ProviderRegistered, dispatch_events.ProviderUpdated)(on_provider)
    providers.on(dispatch_events.ProviderSuspended, dispatch_events.ProviderReinstated)(_note)
    catalogue.on(settlement.CatalogueVersionPublished)(on_catalogue)
    return [providers, catalogue]


def _with_dashboards(consumers: list[TopicConsumer]) -> list[TopicConsumer]:
    """Events of the chain and of stops also feed the dashboards' read model (issue 22)."""
    for consumer in consumers:
        for event_type, handler in list(consumer.handlers.items()):
            if event_type in dashboards.OBSERVED:
                consumer.handlers[event_type] = dashboards.observing(handler)
    return consumers


def build_consumers(ctx: ArchiveContext) -> list[TopicConsumer]:
    """Returns archive's subscriptions (consumer group "archive")."""
    return _with_dashboards(
        [
            _history_only(
                topics.INTAKE_APPLICATIONS, intake.EVENTS, "Applications go into history."
            ),
            _history_only(topics.SURVEY_SURVEYS, survey.EVENTS, "Surveys go into the file."),
            _decisions(ctx),
            _status(ctx),
            _orders(ctx),
            _services(),
            _history_only(
                topics.SETTLEMENT_LEDGER,
                (
                    settlement.LedgerLinePosted,
                    settlement.SpotCheckSampled,
                    settlement.SpotCheckRecorded,
                    supervision.InspectionRecorded,
                ),
                "Settlement outcomes and inspection visits go into the file.",
            ),
            _history_only(
                topics.DISPATCH_COMPLAINTS,
                supervision.COMPLAINT_EVENTS,
                "Every step of a complaint goes into the file.",
            ),
            *_reference(ctx),
        ]
    )
