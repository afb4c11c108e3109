"""intake's use cases on in-memory records: refusals, events, replays and joined transactions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from civic.errors import Conflict, Unprocessable, problem_for, problem_of
from civic.idempotency import Retry
from civic.security import Principal
from civic.testing import FakeUnitOfWork
from contracts.enums import Channel, RecipientCategory, Role, ServiceCategory
from contracts.inbound import AssistanceStatusReported
from contracts.intake import ApplicationRegistered, ApplicationSubmitted, CityStatusResolved
from contracts.samples import sample
from intake.domain.model import Application, Catalogue, CatalogueEntry, Claim
from intake.domain.rules import InvalidApplication
from intake.domain.status import ApplicationStatus, StateConflict
from intake.handlers import city, lifecycle, submission
from intake.handlers.submission import Submission

from .builders import VILLAGE, draft
from .fakes import FakeIntakeRecords

pytestmark = pytest.mark.unit

LIFE_CARE = CatalogueEntry("LC-01", "居家照料", ServiceCategory.LIFE_CARE)
APP_USER = Principal("app-user-1", frozenset({Role.APPLICANT_APP}))
OFFICER = Principal("officer-1", frozenset({Role.TOWNSHIP_OFFICER}), division="341702100")


#: The number the city's reports name (opened at the edge; the reports hold it sealed).
ID = "341702195001010036"


def report(**overrides: Any) -> AssistanceStatusReported:
    values = {
        "case_id": "CZ-DB-000123",
        "status": "active",
        "category": "dibao",
        "effective_date": date(2024, 7, 1),
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": VILLAGE,
    }
    return sample(AssistanceStatusReported, **{**values, **overrides})


def render(app: Application) -> dict[str, Any]:
    return {"application_id": str(app.application_id), "status": app.status.value}


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    with clock.using(Clock(lambda: datetime(2024, 9, 2, 2, 0, tzinfo=UTC))):
        yield


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def records() -> FakeIntakeRecords:
    held = FakeIntakeRecords()
    held.catalogues.append(Catalogue("341702", 1, date(2024, 1, 1), {"LC-01": LIFE_CARE}))
    return held


def asked(
    uow: FakeUnitOfWork, records: FakeIntakeRecords, retry: Retry | None = None
) -> Submission:
    return Submission(uow, records, APP_USER, retry, render)


async def test_a_submission_is_stored_and_announced_once_committed(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    answer = await submission.submit_application(draft(), asked(uow, records))
    assert answer.status == 201
    [event] = uow.published(ApplicationSubmitted)
    assert str(event.application_id) == answer.body["application_id"]
    assert tuple(event.need_categories) == (ServiceCategory.LIFE_CARE,)
    assert uow.commits == 1


async def test_an_app_submitting_as_a_window_is_refused_with_nothing_kept(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    with pytest.raises(InvalidApplication) as caught:
        await submission.submit_application(draft(channel=Channel.WINDOW), asked(uow, records))
    refusal = problem_of(caught.value)
    assert isinstance(refusal, Unprocessable)
    document = problem_for(refusal)  # what the caller reads
    assert (document.status, document.code) == (422, "channel_not_allowed")
    assert [error.field for error in document.errors] == ["body.channel"]
    assert records.applications == {} and uow.events == [] and not uow.committed


async def test_a_retry_with_the_same_key_gets_the_first_answer_and_changes_nothing(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    retry = Retry.of("key-1", route="applications", user_id=APP_USER.user_id, body={"n": 1})
    first = await submission.submit_application(draft(), asked(uow, records, retry))
    again = await submission.submit_application(draft(), asked(uow, records, retry))
    assert again == first
    assert len(records.applications) == 1 and len(uow.published(ApplicationSubmitted)) == 1
    other = Retry.of("key-1", route="applications", user_id=APP_USER.user_id, body={"n": 2})
    with pytest.raises(Conflict, match="Idempotency-Key"):
        await submission.submit_application(draft(), asked(uow, records, other))


async def test_registering_twice_is_a_409_refusal_and_announces_once(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    answer = await submission.submit_application(draft(), asked(uow, records))
    application_id = uuid.UUID(answer.body["application_id"])
    claim = Claim(RecipientCategory.TEKUN, (), ("LC-01",))
    done = await lifecycle.register_application(
        application_id, claim, uow=uow, records=records, caller=OFFICER
    )
    assert done.status is ApplicationStatus.REGISTERED
    with pytest.raises(StateConflict) as caught:
        await lifecycle.register_application(
            application_id, claim, uow=uow, records=records, caller=OFFICER
        )
    assert isinstance(problem_of(caught.value), Conflict)
    assert caught.value.code == "not_awaiting_registration"
    assert len(uow.published(ApplicationRegistered)) == 1


async def test_a_repeated_city_report_is_resolved_once(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    first = await city.resolve_city_status(report(), id_number=ID, uow=uow, records=records)
    again = await city.resolve_city_status(report(), id_number=ID, uow=uow, records=records)
    assert (first.repeated, again.repeated) == (False, True)
    assert again.person_id == first.person_id
    [resolved] = uow.published(CityStatusResolved)
    assert resolved.person_id == first.person_id
    assert list(records.admissions) == [first.person_id]  # an admission awaits its follow-up


async def test_a_city_report_from_a_consumer_joins_its_open_transaction(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    async with uow:  # as the consumer's processor holds it, with the event claimed inside
        await city.resolve_city_status(report(), id_number=ID, uow=uow, records=records)
        assert uow.events == [] and not uow.committed  # the handler's commit waits for ours
        await uow.commit()
    assert uow.commits == 1 and len(uow.published(CityStatusResolved)) == 1


async def test_a_city_report_with_a_phone_number_in_a_text_field_is_refused(
    uow: FakeUnitOfWork, records: FakeIntakeRecords
) -> None:
    with pytest.raises(InvalidApplication) as caught:
        await city.resolve_city_status(
            report(reason_zh="电话13805661234", case_id="13805661234"),
            id_number=ID,
            uow=uow,
            records=records,
        )
    document = problem_for(problem_of(caught.value))
    assert (document.status, document.code) == (422, "validation_failed")
    assert {error.field for error in document.errors} == {"body.reason_zh", "body.case_id"}
    assert records.reports == {} and uow.events == []
