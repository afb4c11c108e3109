"""What intake does when survey, review or settlement report something (run by consumers)."""

from __future__ import annotations

import logging

from civic import clock
from civic.uow import UnitOfWork
from contracts.review import ApplicationRejected, RecipientApproved
from contracts.settlement import CatalogueVersionPublished
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed, SurveyTaskCreated
from intake.domain.messages import decision_message
from intake.domain.model import Application, advance
from intake.domain.status import Step, next_status
from intake.repository import IntakeRecords

log = logging.getLogger(__name__)

SurveyNews = SurveyTaskCreated | PreliminaryReviewPassed | PreliminaryReviewFailed
Decision = RecipientApproved | ApplicationRejected

#: The step each piece of news is in the application's life.
_STEP: dict[type[SurveyNews | Decision], Step] = {
    SurveyTaskCreated: Step.SURVEY_SCHEDULED,
    PreliminaryReviewPassed: Step.PRELIMINARY_PASSED,
    PreliminaryReviewFailed: Step.PRELIMINARY_FAILED,
    RecipientApproved: Step.APPROVED,
    ApplicationRejected: Step.REJECTED,
}


def _survey_note(event: SurveyNews) -> str:
    if isinstance(event, SurveyTaskCreated):
        return f"已安排入户调查，计划于{event.due_date:%Y年%m月%d日}前完成"
    if isinstance(event, PreliminaryReviewPassed):
        return "村(社区)初审通过，已报乡镇(街道)审核"
    return f"初审未通过：{event.reason_zh}"


def _decision_note(event: Decision) -> str:
    if isinstance(event, RecipientApproved):
        return f"审核通过，自{event.effective_date:%Y年%m月%d日}起提供服务"
    return f"审核未通过：{event.reason_zh}"


async def _followed(
    records: IntakeRecords, event: SurveyNews | Decision, what: str
) -> Application | None:
    """The application the news is about, locked; None (logged) when intake does not know it."""
    app = await records.load(event.application_id, for_update=True)
    if app is None:
        log.warning("%s for an unknown application %s", what, event.application_id)
    return app


async def follow_survey(event: SurveyNews, *, uow: UnitOfWork, records: IntakeRecords) -> None:
    """Moves the application on with the survey, ignoring stale or repeated versions."""
    async with uow:
        if (app := await _followed(records, event, "survey event")) is None:
            return
        if (moved := _after_survey(app, event, _STEP[type(event)])) is not None:
            await records.save_change(moved)
        await uow.commit()


def _after_survey(app: Application, event: SurveyNews, step: Step) -> Application | None:
    """The application moved on by the survey's news, or None when the news is stale."""
    target = next_status(
        app.status,
        step,
        survey_id=event.survey_id,
        survey_version=event.version,
        held_survey_id=app.survey_id,
        held_survey_version=app.survey_version,
    )
    if target is None:
        return None
    return advance(
        app,
        target,
        at=event.occurred_at,
        note_zh=_survey_note(event),
        survey_id=event.survey_id,
        survey_version=event.version,
    )


async def follow_decision(event: Decision, *, uow: UnitOfWork, records: IntakeRecords) -> None:
    """Records the township's decision and tells the applicant by message (civic.notify);
    a decided or withdrawn application stays as it is, and nobody is told twice."""
    async with uow:
        if (app := await _followed(records, event, "decision")) is None:
            return
        target = next_status(app.status, _STEP[type(event)])
        if target is None:
            log.info("decision on %s ignored in status %s", app.application_id, app.status)
            return
        moved = advance(app, target, at=event.occurred_at, note_zh=_decision_note(event))
        await records.save_change(moved)
        if (message := decision_message(moved)) is not None:
            await records.enqueue_messages([message], now=clock.now())
        await uow.commit()


async def keep_catalogue(
    event: CatalogueVersionPublished, *, uow: UnitOfWork, records: IntakeRecords
) -> None:
    """Keeps every catalogue version; the one in force is chosen when it is used."""
    async with uow:
        if not await records.store_catalogue(event):
            log.info("catalogue %s v%s already held", event.county_code, event.version)
        await uow.commit()
