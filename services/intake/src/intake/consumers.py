"""What intake listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

from collections.abc import Callable

from civic.consumer import Admission, TopicConsumer
from civic.uow import UnitOfWork
from contracts import topics
from contracts.inbound import AssistanceStatusReported
from contracts.review import ApplicationRejected, RecipientApproved
from contracts.settlement import CatalogueVersionPublished
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed, SurveyTaskCreated
from intake.handlers import city, reactions
from intake.repository import IntakeRecords

GROUP = "intake"

#: Opens a report's sealed ID number (``adapters/inbound.py``).
IdNumberOpener = Callable[[AssistanceStatusReported], str]


def build_consumers(
    *, admit_city_report: Admission, open_id_number: IdNumberOpener
) -> list[TopicConsumer]:
    """Returns intake's subscriptions: survey, review, the catalogue, the city system."""
    return [_surveys(), _decisions(), _catalogue(), _city(admit_city_report, open_id_number)]


def _surveys() -> TopicConsumer:
    surveys = TopicConsumer(
        topics.SURVEY_SURVEYS, group=GROUP, description="Follows the household survey (status)."
    )

    @surveys.on(SurveyTaskCreated, PreliminaryReviewPassed, PreliminaryReviewFailed)
    async def on_survey(event: reactions.SurveyNews, uow: UnitOfWork) -> None:
        """A survey task exists (being surveyed), or the village team passed or failed 初审."""
        await reactions.follow_survey(event, uow=uow, records=IntakeRecords(uow))

    return surveys


def _decisions() -> TopicConsumer:
    decisions = TopicConsumer(
        topics.REVIEW_DECISIONS, group=GROUP, description="Records the township's decision."
    )

    @decisions.on(RecipientApproved, ApplicationRejected)
    async def on_decision(event: reactions.Decision, uow: UnitOfWork) -> None:
        """The township approved or rejected it."""
        await reactions.follow_decision(event, uow=uow, records=IntakeRecords(uow))

    return decisions


def _catalogue() -> TopicConsumer:
    catalogue = TopicConsumer(
        topics.SETTLEMENT_CATALOGUE, group=GROUP, description="Keeps the county catalogues."
    )

    @catalogue.on(CatalogueVersionPublished)
    async def on_catalogue(event: CatalogueVersionPublished, uow: UnitOfWork) -> None:
        """A county published a catalogue version."""
        await reactions.keep_catalogue(event, uow=uow, records=IntakeRecords(uow))

    return catalogue


def _city(admit: Admission, open_id_number: IdNumberOpener) -> TopicConsumer:
    # Only a report the city system signed, whose sealed number opens for it, is read; any
    # other is dead-lettered unread (the letter holds the number sealed, as the topic does).
    reports = TopicConsumer(
        topics.ASSISTANCE_STATUS_INBOUND,
        group=GROUP,
        description="Resolves the city system's signed status reports to our person ids: the "
        "ID number arrives sealed to intake's inbound key and is opened here, never forwarded "
        "(signature in header x-city-signature; unsigned or badly signed reports, and those "
        "whose number does not open, are dead-lettered).",
        admit=admit,
    )

    @reports.on(AssistanceStatusReported)
    async def on_status_reported(event: AssistanceStatusReported, uow: UnitOfWork) -> None:
        """The city system reported a status: intake tells review, without the ID number."""
        id_number = open_id_number(event)
        await city.resolve_city_status(
            event, id_number=id_number, uow=uow, records=IntakeRecords(uow)
        )

    return reports
