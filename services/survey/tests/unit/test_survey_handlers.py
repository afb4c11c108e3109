"""survey's use cases on in-memory fakes: refusals, events, idempotent replays, joined work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TypedDict

import pytest
from pydantic import TypeAdapter

from civic.errors import Conflict
from civic.security import Principal
from civic.testing import FakeUnitOfWork
from contracts.enums import RecipientCategory, Role, SpecialCondition
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn
from contracts.samples import sample
from contracts.survey import (
    PreliminaryReviewFailed,
    SurveyCompleted,
    SurveyTaskCreated,
    SurveyTeamAssigned,
)
from survey import handlers
from survey.api import mapping
from survey.domain import (
    Conflicting,
    FindingsUpload,
    Invalid,
    NotAllowed,
    ReviewFail,
    ReviewPass,
    TaskStatus,
    TeamChoice,
)
from survey.schemas import FindingsIn, PreliminaryReviewIn
from survey.schemas.findings import FINDINGS_EXAMPLE

from .fakes import FakeSurveyRepository

pytestmark = pytest.mark.unit

NOW = datetime(2024, 5, 7, 2, 0, tzinfo=UTC)
VILLAGE = "341702100201"
STAFF, COORD = "u-village-01", "u-coordinator-01"
STAFF_MEMBER = Principal(STAFF, frozenset({Role.VILLAGE_STAFF}), division=VILLAGE)
COORDINATOR = Principal(COORD, frozenset({Role.COORDINATOR}), division=VILLAGE)
REVIEW_BODY: TypeAdapter[PreliminaryReviewIn] = TypeAdapter(PreliminaryReviewIn)


class Work(TypedDict):
    """What every use case takes besides its command."""

    uow: FakeUnitOfWork
    records: FakeSurveyRepository


class Survey:
    """One fake survey database and a fresh unit of work for each call."""

    def __init__(self) -> None:
        self.records = FakeSurveyRepository()
        self.uow = FakeUnitOfWork()

    def work(self) -> Work:
        """The keyword arguments every use case takes: a new unit of work, the same tables."""
        self.uow = FakeUnitOfWork()
        return Work(uow=self.uow, records=self.records)


def findings(**changes: object) -> FindingsUpload:
    return mapping.findings_upload(FindingsIn.model_validate({**FINDINGS_EXAMPLE, **changes}))


def failed_review() -> ReviewFail:
    body = {"outcome": "failed", "reason_code": "no_service_need"}
    decision = mapping.review_decision(REVIEW_BODY.validate_python(body))
    assert isinstance(decision, ReviewFail)
    return decision


async def opened(survey: Survey) -> uuid.UUID:
    event = sample(ApplicationRegistered, village_code=VILLAGE, occurred_at=NOW)
    await handlers.open_task(event, **survey.work(), due_days=7, now=NOW)
    (task,) = survey.records.tasks.values()
    return task.survey_id


async def with_team(survey: Survey) -> uuid.UUID:
    survey_id = await opened(survey)
    await handlers.assign_team(
        TeamChoice(STAFF, COORD), **survey.work(), principal=STAFF_MEMBER,
        survey_id=survey_id, now=NOW,
    )  # fmt: skip
    return survey_id


async def with_findings(survey: Survey) -> uuid.UUID:
    survey_id = await with_team(survey)
    await handlers.submit_findings(
        findings(), **survey.work(), principal=COORDINATOR,
        survey_id=survey_id, submission_id=uuid.uuid4(), now=NOW,
    )  # fmt: skip
    return survey_id


async def test_a_registration_opens_one_task_however_often_it_arrives() -> None:
    survey = Survey()
    event = sample(ApplicationRegistered, village_code=VILLAGE, occurred_at=NOW)
    await handlers.open_task(event, **survey.work(), due_days=7, now=NOW)
    assert survey.uow.committed and [type(e) for e in survey.uow.events] == [SurveyTaskCreated]
    (task,) = survey.records.tasks.values()
    assert task.status is TaskStatus.OPEN and task.due_date == NOW.date() + timedelta(days=7)
    await handlers.open_task(event, **survey.work(), due_days=7, now=NOW)
    assert survey.uow.events == [] and len(survey.records.tasks) == 1


async def test_the_same_person_twice_is_refused_and_nothing_is_published() -> None:
    survey = Survey()
    survey_id = await opened(survey)
    with pytest.raises(Invalid) as refused:
        await handlers.assign_team(
            TeamChoice(STAFF, STAFF), **survey.work(), principal=STAFF_MEMBER,
            survey_id=survey_id, now=NOW,
        )  # fmt: skip
    assert refused.value.code == "same_person_twice" and refused.value.kind == "invalid"
    assert not survey.uow.committed and survey.uow.events == []
    assert survey.records.tasks[survey_id].team is None


async def test_assigning_the_team_publishes_it_and_the_same_team_again_publishes_nothing() -> None:
    survey = Survey()
    survey_id = await with_team(survey)
    assert [type(e) for e in survey.uow.events] == [SurveyTeamAssigned]
    view = await handlers.assign_team(
        TeamChoice(STAFF, COORD), **survey.work(), principal=STAFF_MEMBER,
        survey_id=survey_id, now=NOW + timedelta(hours=1),
    )  # fmt: skip
    assert survey.uow.events == [] and view.task.version == 2
    assert view.task.status is TaskStatus.TEAM_ASSIGNED


async def test_a_retried_upload_gets_the_first_receipt_and_publishes_nothing_more() -> None:
    survey = Survey()
    survey_id = await with_team(survey)
    submission_id = uuid.uuid4()
    first = await handlers.submit_findings(
        findings(), **survey.work(), principal=COORDINATOR,
        survey_id=survey_id, submission_id=submission_id, now=NOW,
    )  # fmt: skip
    assert [type(e) for e in survey.uow.events] == [SurveyCompleted]
    again = await handlers.submit_findings(
        findings(), **survey.work(), principal=STAFF_MEMBER,
        survey_id=survey_id, submission_id=submission_id, now=NOW + timedelta(minutes=3),
    )  # fmt: skip
    assert again == first and first.status is TaskStatus.FINDINGS_SUBMITTED
    assert survey.uow.events == []
    with pytest.raises(Conflict) as reused:
        await handlers.submit_findings(
            findings(health_notes="另一份"), **survey.work(), principal=COORDINATOR,
            survey_id=survey_id, submission_id=submission_id, now=NOW,
        )  # fmt: skip
    assert reused.value.code == "submission_id_reused"


async def test_only_the_team_uploads_findings() -> None:
    survey = Survey()
    survey_id = await with_team(survey)
    neighbour = Principal("u-village-99", frozenset({Role.VILLAGE_STAFF}), division=VILLAGE)
    with pytest.raises(NotAllowed) as refused:
        await handlers.submit_findings(
            findings(), **survey.work(), principal=neighbour,
            survey_id=survey_id, submission_id=uuid.uuid4(), now=NOW,
        )  # fmt: skip
    assert refused.value.code == "not_team_member" and refused.value.kind == "forbidden"
    assert survey.records.findings == {} and survey.uow.events == []


async def test_a_pass_must_rest_on_a_condition_the_visit_confirmed() -> None:
    survey = Survey()
    survey_id = await with_findings(survey)
    unconfirmed = ReviewPass(
        recommended_category=RecipientCategory.DIBAO,
        recommended_conditions=(SpecialCondition.SERIOUSLY_ILL,),
        recommended_item_codes=("LC-01",),
        recommended_service_categories=(),
        recommended_modes=(),
        stored={"outcome": "passed"},
    )
    with pytest.raises(Invalid) as refused:
        await handlers.record_preliminary_review(
            unconfirmed, **survey.work(), principal=COORDINATOR,
            survey_id=survey_id, idempotency_key=None, now=NOW,
        )  # fmt: skip
    assert refused.value.code == "condition_not_confirmed"
    assert survey.records.reviews == {} and survey.uow.events == []


async def test_a_retried_review_gets_the_first_answer_and_one_without_a_key_is_refused() -> None:
    survey = Survey()
    survey_id = await with_findings(survey)
    first = await handlers.record_preliminary_review(
        failed_review(),
        **survey.work(),
        principal=COORDINATOR,
        survey_id=survey_id,
        idempotency_key="k-1",
        now=NOW,
    )
    assert [type(e) for e in survey.uow.events] == [PreliminaryReviewFailed]
    again = await handlers.record_preliminary_review(
        failed_review(),
        **survey.work(),
        principal=COORDINATOR,
        survey_id=survey_id,
        idempotency_key="k-1",
        now=NOW + timedelta(minutes=1),
    )
    assert again == first and first.status is TaskStatus.FAILED
    assert first.review.body["reason_zh"] == "无服务需求" and survey.uow.events == []
    with pytest.raises(Conflicting) as refused:
        await handlers.record_preliminary_review(
            failed_review(),
            **survey.work(),
            principal=COORDINATOR,
            survey_id=survey_id,
            idempotency_key=None,
            now=NOW,
        )
    assert refused.value.code == "already_reviewed"


async def test_a_withdrawal_joins_the_consumers_open_unit_of_work() -> None:
    survey = Survey()
    survey_id = await opened(survey)
    (task,) = survey.records.tasks.values()
    withdrawn = sample(ApplicationWithdrawn, application_id=task.application_id, version=2)
    uow = FakeUnitOfWork()
    async with uow:  # as the consumer's processor holds it, with the event's claim inside
        await handlers.cancel_task(withdrawn, uow=uow, records=survey.records, now=NOW)
        assert not uow.committed  # the handler's commit waits for the outermost block
        await uow.commit()
    assert uow.commits == 1
    assert survey.records.tasks[survey_id].status is TaskStatus.CANCELLED
