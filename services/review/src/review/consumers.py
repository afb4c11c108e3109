"""What review listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

from civic.consumer import TopicConsumer
from civic.uow import UnitOfWork
from contracts import topics
from contracts.intake import (
    ApplicationRegistered,
    ApplicationWithdrawn,
    CityStatusResolved,
    RecipientImported,
)
from contracts.settlement import CatalogueVersionPublished
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed, SurveyCompleted
from review import handlers
from review.handlers.imported import approve_imported, approve_imported_run

GROUP = "review"

SurveyEvent = SurveyCompleted | PreliminaryReviewPassed | PreliminaryReviewFailed


def _applications() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.INTAKE_APPLICATIONS,
        group=GROUP,
        description="Opens and fills review cases; applies the city system's status reports "
        "(a stop or death waits for the township's confirmation unless the county says not).",
    )

    @consumer.on(ApplicationRegistered, ApplicationWithdrawn)
    async def on_application(
        event: ApplicationRegistered | ApplicationWithdrawn, uow: UnitOfWork
    ) -> None:
        """A registered application joins its township's review queue; a withdrawn one leaves it."""
        await handlers.file_case_event(event, uow=uow)

    @consumer.on(CityStatusResolved)
    async def on_city_status(event: CityStatusResolved, uow: UnitOfWork) -> None:
        """The city's report changes the recipient's status once, or waits for the township."""
        await handlers.apply_city_status(event, uow=uow)

    @consumer.on(RecipientImported)
    async def on_imported(event: RecipientImported, uow: UnitOfWork) -> None:
        """A recipient on the roll at go-live is approved once (route import)."""
        await approve_imported(event, uow=uow)

    @consumer.on_batch(RecipientImported)
    async def on_imported_run(events: list[RecipientImported], uow: UnitOfWork) -> None:
        """A run of imported recipients is approved in one transaction."""
        await approve_imported_run(events, uow=uow)

    return consumer


def _surveys() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.SURVEY_SURVEYS, group=GROUP, description="Files survey findings and 初审 on cases."
    )

    @consumer.on(SurveyCompleted, PreliminaryReviewPassed, PreliminaryReviewFailed)
    async def on_survey(event: SurveyEvent, uow: UnitOfWork) -> None:
        """Findings are filed on the case; its 初审, passed or failed (flagged), makes it ready."""
        await handlers.file_case_event(event, uow=uow)

    return consumer


def _catalogue() -> TopicConsumer:
    consumer = TopicConsumer(
        topics.SETTLEMENT_CATALOGUE, group=GROUP, description="Keeps the catalogue's read copy."
    )

    @consumer.on(CatalogueVersionPublished)
    async def on_catalogue(event: CatalogueVersionPublished, uow: UnitOfWork) -> None:
        """A county catalogue version is kept for item checks."""
        await handlers.keep_catalogue(event, uow=uow)

    return consumer


def build_consumers() -> list[TopicConsumer]:
    """Returns review's subscriptions."""
    return [_applications(), _surveys(), _catalogue()]
