"""The applicant hears the township's decision, in milliseconds: one message per decision, in
the unit of work that records it, to the person, with the decision's code, a short reference
and a masked name only (no ID number, no phone, no reason text)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from civic import clock
from civic.clock import Clock
from civic.notify.rules import Purpose
from civic.testing import FakeUnitOfWork
from contracts.enums import ServiceCategory
from contracts.review import ApplicationRejected, RecipientApproved
from contracts.samples import sample
from intake.domain.messages import decision_message
from intake.domain.model import Application, PersonDetails, advance, new_application
from intake.domain.status import ApplicationStatus
from intake.handlers import reactions

from .builders import draft
from .fakes import FakeIntakeRecords

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
REASON = "家庭人均收入高于当地低保标准，联系电话13805661234"


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    with clock.using(Clock.fixed(NOW)):
        yield


def _held(records: FakeIntakeRecords, **applicant: str) -> Application:
    details = PersonDetails(**{"name": "张桂英", "id_number": "x", "phone": None, **applicant})
    app = new_application(
        draft(applicant=details),
        person_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        items=(),
        needs=(ServiceCategory.LIFE_CARE,),
        submitted_by="u-staff",
        submitted_by_role="village_staff",
        at=NOW,
    )
    records.applications[app.application_id] = app
    return app


def _ids(app: Application) -> dict[str, uuid.UUID]:
    return {"application_id": app.application_id, "person_id": app.person_id}


async def test_an_approval_tells_the_applicant_once_in_the_same_unit_of_work() -> None:
    records, uow = FakeIntakeRecords(), FakeUnitOfWork()
    app = _held(records)
    approved = sample(RecipientApproved, **_ids(app), effective_date=date(2026, 12, 7))
    await reactions.follow_decision(approved, uow=uow, records=records)
    [message] = records.enqueued
    assert uow.commits == 1
    assert message.purpose is Purpose.DECISION
    assert message.user_id == str(app.person_id)
    assert message.dedupe_key == f"decision:{app.application_id}"
    assert (message.county_code, message.township_code) == ("341702", "341702100")
    ref = app.application_id.hex[:8].upper()
    assert message.params == {"decision": "approved", "ref": ref, "name": "张**"}

    # The same decision again (a redelivery, or an approval after a rejection): nothing more.
    await reactions.follow_decision(approved, uow=uow, records=records)
    await reactions.follow_decision(
        sample(ApplicationRejected, **_ids(app)), uow=uow, records=records
    )
    assert len(records.enqueued) == 1


async def test_a_rejection_says_rejected_and_never_its_reason() -> None:
    records, uow = FakeIntakeRecords(), FakeUnitOfWork()
    app = _held(records)
    rejected = sample(ApplicationRejected, **_ids(app), reason_zh=REASON)
    await reactions.follow_decision(rejected, uow=uow, records=records)
    [message] = records.enqueued
    assert message.params["decision"] == "rejected"
    assert set(message.params) == {"decision", "ref", "name"}
    assert not any(REASON[:6] in value for value in message.params.values())


async def test_a_decision_on_an_unknown_or_withdrawn_application_tells_nobody() -> None:
    records, uow = FakeIntakeRecords(), FakeUnitOfWork()
    app = _held(records)
    records.applications[app.application_id] = advance(
        app, ApplicationStatus.WITHDRAWN, at=NOW, note_zh="已撤回"
    )
    await reactions.follow_decision(
        sample(RecipientApproved, **_ids(app)), uow=uow, records=records
    )
    await reactions.follow_decision(sample(RecipientApproved), uow=uow, records=records)
    assert records.enqueued == []


def test_a_name_a_template_may_not_carry_is_left_out_not_the_decision() -> None:
    records = FakeIntakeRecords()
    app = _held(records, name="张" + "桂" * 45)  # longer than any template takes
    approved = advance(app, ApplicationStatus.APPROVED, at=NOW)
    message = decision_message(approved)
    assert message is not None and set(message.params) == {"decision", "ref"}
    assert decision_message(app) is None  # not decided: no message
