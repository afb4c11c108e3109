"""Issue 16, no oracle: an applicant app learns nothing about registered people and changes none.

What the app may not settle is kept on its application as checks that the township verifies at
registration (受理登记); staff keep entering, renaming and moving people as before.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from civic.errors import problem_for, problem_of
from civic.idempotency import Answer
from civic.security import Principal
from civic.testing import FakeUnitOfWork
from contracts.enums import Channel, RecipientCategory, Role, ServiceCategory
from contracts.reasons import WithdrawalReason
from intake.domain.checks import Check, CheckKind, Registered
from intake.domain.model import (
    Application,
    Catalogue,
    CatalogueEntry,
    Claim,
    Draft,
    MemberDetails,
    PersonDetails,
    Relation,
)
from intake.domain.status import StateConflict
from intake.domain.verification import DuplicateApplication, people_sent, settle_by_app
from intake.handlers import lifecycle, submission
from intake.handlers.submission import Submission
from intake.schemas.responses import ApplicationRead

from .builders import VILLAGE, draft, id_number
from .fakes import FakeIntakeRecords, Person

pytestmark = pytest.mark.unit

LIFE_CARE = CatalogueEntry("LC-01", "居家照料", ServiceCategory.LIFE_CARE)
APP_USER = Principal("wx-1", frozenset({Role.APPLICANT_APP}))
STRANGER = Principal("wx-2", frozenset({Role.APPLICANT_APP}))
OFFICER = Principal("officer-1", frozenset({Role.TOWNSHIP_OFFICER}), division="341702100")
DONGZHI_VILLAGE = "341721100201"  # 东至县: outside OFFICER's township


def render(app: Application) -> dict[str, Any]:
    return ApplicationRead.of(app).model_dump(mode="json")


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
    for county in ("341702", "341721"):
        held.catalogues.append(Catalogue(county, 1, date(2024, 1, 1), {"LC-01": LIFE_CARE}))
    return held


async def submit(
    records: FakeIntakeRecords, sent: Draft, caller: Principal = APP_USER
) -> tuple[Answer, Application]:
    """Submits as ``caller``; the answer and the application as stored."""
    asked = Submission(FakeUnitOfWork(), records, caller, None, render)
    answer = await submission.submit_application(sent, asked)
    return answer, records.applications[uuid.UUID(answer.body["application_id"])]


def registered(records: FakeIntakeRecords, name: str, household: uuid.UUID | None) -> str:
    """Puts a person in the registry as intake knows them already; returns the ID number."""
    number = id_number("19480305", f"{len(records.people):03d}")
    records.people[number] = Person(uuid.uuid4(), name, household)
    return number


def window(**overrides: Any) -> Draft:
    return draft(channel=Channel.WINDOW, **overrides)


async def test_a_number_with_an_open_application_gets_the_app_the_usual_answer(
    records: FakeIntakeRecords,
) -> None:
    first, _ = await submit(records, draft())
    again, held = await submit(records, draft(), STRANGER)
    assert again.status == first.status == 201
    assert first.body["application_id"] not in json.dumps(again.body)
    assert again.body.keys() == first.body.keys()
    assert (again.body["status"], again.body["verification"]) == (first.body["status"], [])
    # The township sees why it waits: the other application, for staff only.
    [check] = held.checks
    assert (check.kind, str(check.application_id)) == (
        "open_application",
        first.body["application_id"],
    )
    assert held.duplicate_of == check.application_id


async def test_an_app_never_renames_a_registered_person(records: FakeIntakeRecords) -> None:
    number = registered(records, "王秀兰", uuid.uuid4())
    sent = draft(applicant=PersonDetails("李四", number, "13805661234"))
    answer, app = await submit(records, sent)
    assert answer.status == 201
    assert records.people[number].name == "王秀兰"
    assert app.applicant.name == "李四"  # what the app sent stays on its application
    assert [(c.kind, c.field, c.name) for c in app.checks] == [
        ("name_differs", "body.applicant", "李四")
    ]
    assert answer.body["verification"] == []


async def test_an_app_cannot_move_registered_people_into_its_household(
    records: FakeIntakeRecords,
) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    applicant = registered(records, "张桂英", mine)
    spouse = registered(records, "王秀兰", theirs)
    members = (MemberDetails(Relation.SPOUSE, "王秀兰", spouse),)
    sent = draft(applicant=PersonDetails("张桂英", applicant), members=members)
    answer, app = await submit(records, sent)
    assert answer.status == 201
    assert records.people[spouse].household_id == theirs
    assert app.household_id == mine
    assert [(c.kind, c.field) for c in app.checks] == [
        ("household_differs", "body.household.members.0")
    ]


async def test_a_new_applicant_does_not_join_a_listed_members_household(
    records: FakeIntakeRecords,
) -> None:
    theirs = uuid.uuid4()
    member = registered(records, "王秀兰", theirs)
    sent = draft(members=(MemberDetails(Relation.SPOUSE, "王秀兰", member),))
    answer, app = await submit(records, sent)
    assert app.household_id != theirs and answer.body["household_id"] != str(theirs)
    assert records.people[member].household_id == theirs
    assert [c.kind for c in app.checks] == ["household_differs"]


async def test_new_people_from_an_app_are_registered_as_sent(records: FakeIntakeRecords) -> None:
    spouse = id_number("19520709", "011")
    sent = draft(members=(MemberDetails(Relation.SPOUSE, "王秀兰", spouse),))
    _, app = await submit(records, sent)
    assert app.checks == () and app.duplicate_of is None
    assert records.people[spouse] == Person(
        records.people[spouse].person_id, "王秀兰", app.household_id
    )
    assert records.people[sent.applicant.id_number].household_id == app.household_id


async def test_staff_in_jurisdiction_see_the_open_application(records: FakeIntakeRecords) -> None:
    first, _ = await submit(records, draft())
    with pytest.raises(DuplicateApplication) as caught:
        await submit(records, window(), OFFICER)
    document = problem_for(problem_of(caught.value))
    assert (document.status, document.code) == (409, "open_application_exists")
    assert document.extra == {"application_id": first.body["application_id"]}
    assert [e.field for e in document.errors] == ["body.applicant.id_number"]


async def test_staff_elsewhere_are_refused_without_the_other_application_id(
    records: FakeIntakeRecords,
) -> None:
    first, _ = await submit(records, draft(village_code=DONGZHI_VILLAGE))
    with pytest.raises(DuplicateApplication) as caught:
        await submit(records, window(), OFFICER)
    document = problem_for(problem_of(caught.value))
    assert (document.status, document.code) == (409, "open_application_exists")
    assert document.extra == {}
    assert first.body["application_id"] not in document.model_dump_json()


async def test_staff_at_the_window_still_correct_names_and_households(
    records: FakeIntakeRecords,
) -> None:
    theirs = uuid.uuid4()
    applicant = registered(records, "姓名待核实", None)
    spouse = registered(records, "王秀兰", theirs)
    members = (MemberDetails(Relation.SPOUSE, "王秀兰", spouse),)
    sent = window(applicant=PersonDetails("张桂英", applicant), members=members)
    _, app = await submit(records, sent, OFFICER)
    assert records.people[applicant].name == "张桂英"
    assert app.household_id == theirs == records.people[applicant].household_id
    assert app.checks == ()


CLAIM = Claim(RecipientCategory.TEKUN, (), ("LC-01",))


async def register(
    records: FakeIntakeRecords, app: Application, *, verified: bool = False
) -> Application:
    return await lifecycle.register_application(
        app.application_id,
        CLAIM,
        verified=verified,
        uow=FakeUnitOfWork(),
        records=records,
        caller=OFFICER,
    )


async def test_checks_wait_for_the_townships_verification_at_registration(
    records: FakeIntakeRecords,
) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    applicant = registered(records, "张桂英", mine)
    spouse = registered(records, "王秀兰", theirs)
    members = (MemberDetails(Relation.SPOUSE, "王小兰", spouse),)
    _, app = await submit(
        records, draft(applicant=PersonDetails("张桂英", applicant), members=members)
    )
    with pytest.raises(StateConflict) as caught:
        await register(records, app)
    document = problem_for(problem_of(caught.value))
    assert (document.status, document.code) == (409, "verification_pending")
    assert records.people[spouse] == Person(records.people[spouse].person_id, "王秀兰", theirs)
    done = await register(records, app, verified=True)
    assert done.status.value == "registered"
    assert records.people[spouse] == Person(records.people[spouse].person_id, "王小兰", mine)


async def test_a_held_duplicate_registers_only_once_the_other_is_closed(
    records: FakeIntakeRecords,
) -> None:
    first, _ = await submit(records, draft())
    _, held = await submit(records, draft(), STRANGER)
    with pytest.raises(DuplicateApplication) as caught:
        await register(records, held, verified=True)
    document = problem_for(problem_of(caught.value))
    assert (document.code, document.extra) == (
        "open_application_exists",
        {"application_id": first.body["application_id"]},
    )
    await lifecycle.withdraw_application(
        uuid.UUID(first.body["application_id"]),
        WithdrawalReason.DUPLICATE_APPLICATION,
        None,
        uow=FakeUnitOfWork(),
        records=records,
        caller=OFFICER,
    )
    done = await register(records, held, verified=True)
    assert done.duplicate_of is None and done.status.value == "registered"
    assert done.village_code == VILLAGE


def test_a_check_is_stored_and_read_back_unchanged() -> None:
    check = Check(CheckKind.OPEN_APPLICATION, uuid.uuid4(), "body.applicant", None, uuid.uuid4())
    named = Check(CheckKind.NAME_DIFFERS, uuid.uuid4(), "body.household.members.0", "李四")
    assert [Check.from_json(c.to_json()) for c in (check, named)] == [check, named]


def test_registered_people_already_in_the_household_are_no_check() -> None:
    household = uuid.uuid4()
    people = [
        Registered(uuid.uuid4(), "张桂英", household, is_new=False),
        Registered(uuid.uuid4(), "王秀兰", household, is_new=False),
        Registered(uuid.uuid4(), "李小红", None, is_new=True),
    ]
    members = (
        MemberDetails(Relation.SPOUSE, "王秀兰", id_number("19520709", "011")),
        MemberDetails(Relation.GRANDCHILD, "李小红", id_number("20150601", "022")),
    )
    sent = people_sent(draft(members=members), "body.applicant")
    settled = settle_by_app(people, sent)
    assert (settled.household_id, settled.checks, settled.renames) == (household, (), ())
    assert settled.joining == (people[2].person_id,)
