"""What survey listens to on Kafka, and which use case each event triggers."""

from __future__ import annotations

from civic import clock
from civic.consumer import TopicConsumer
from civic.uow import UnitOfWork
from contracts import topics
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn
from survey import handlers
from survey.repository import SurveyRepository


def build_consumers(*, due_days: int) -> list[TopicConsumer]:
    """Returns survey's subscriptions; ``due_days`` sets each new task's due date."""
    applications = TopicConsumer(
        topics.INTAKE_APPLICATIONS,
        group="survey",
        description="survey opens a household-survey task per registered application and "
        "cancels it when the application is withdrawn.",
    )

    @applications.on(ApplicationRegistered)
    async def on_registered(event: ApplicationRegistered, uow: UnitOfWork) -> None:
        """A registered application gets a survey task for its village."""
        await handlers.open_task(
            event, uow=uow, records=SurveyRepository(uow), due_days=due_days, now=clock.now()
        )

    @applications.on(ApplicationWithdrawn)
    async def on_withdrawn(event: ApplicationWithdrawn, uow: UnitOfWork) -> None:
        """A withdrawn application cancels its unfinished survey task."""
        await handlers.cancel_task(event, uow=uow, records=SurveyRepository(uow), now=clock.now())

    return [applications]
