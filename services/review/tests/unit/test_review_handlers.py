"""review's status use cases on in-memory fakes: an officer's stop announced in one commit, a
refused change, an Idempotency-Key's retry, the jurisdiction, the suspension clock and a city
stop confirmed by the township."""

from __future__ import annotations

from datetime import date

import pytest

from civic.errors import Forbidden, problem_of
from civic.security import Principal
from contracts.enums import RecipientStatus, Role, StatusSource
from contracts.intake import CityStatusResolved
from contracts.review import RecipientStatusChanged
from contracts.samples import sample
from review.domain.case import StateConflict
from review.domain.city import HeldState
from review.domain.status import StatusChange
from review.handlers import change_status, confirm_city_report, end_due_suspensions

from .fakes import TOWNSHIP, FakeRegistry, ReviewUnitOfWork, admit, use_fake_repositories

pytestmark = pytest.mark.unit

OFFICER = Principal("u-officer-7", frozenset({Role.TOWNSHIP_OFFICER}), division=TOWNSHIP)
STOP = StatusChange(
    status=RecipientStatus.STOPPED, effective_date=date(2024, 7, 1), reason_code="other"
)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    fake = FakeRegistry()
    use_fake_repositories(monkeypatch, fake)
    return fake


async def test_an_officers_stop_is_recorded_and_announced_in_one_commit(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    after = await change_status(
        r.recipient_id, STOP, uow=uow, officer=OFFICER, idempotency_key=None
    )
    assert (after.status, after.status_version) == (RecipientStatus.STOPPED, 2)
    assert registry.by_id[r.recipient_id] == after
    assert uow.commits == 1
    [event] = uow.published(RecipientStatusChanged)
    assert (event.recipient_id, event.status, event.previous_status, event.version) == (
        r.recipient_id,
        RecipientStatus.STOPPED,
        RecipientStatus.ACTIVE,
        2,
    )
    assert (event.source, event.decided_by) == (StatusSource.REVIEW_OFFICER, "u-officer-7")
    assert registry.changes == [event]


async def test_a_change_the_status_table_refuses_changes_nothing(registry: FakeRegistry) -> None:
    r = admit(registry, status="stopped", status_version=2)
    uow = ReviewUnitOfWork(registry)
    resume = STOP.model_copy(update={"status": RecipientStatus.RESUMED})
    with pytest.raises(StateConflict) as refused:
        await change_status(r.recipient_id, resume, uow=uow, officer=OFFICER, idempotency_key=None)
    assert refused.value.code == "recipient_status_final"
    assert problem_of(refused.value).status == 409  # listed in create_service_app(refusals=...)
    assert not uow.committed and uow.events == [] and uow.rolled_back
    assert registry.by_id[r.recipient_id] == r and registry.changes == []


async def test_a_retry_with_the_same_key_gets_the_first_answer_and_changes_nothing(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    asked = {"uow": uow, "officer": OFFICER, "idempotency_key": "stop-1"}
    first = await change_status(r.recipient_id, STOP, **asked)  # type: ignore[arg-type]
    again = await change_status(r.recipient_id, STOP, **asked)  # type: ignore[arg-type]
    assert again == first
    assert registry.by_id[r.recipient_id].status_version == 2
    assert len(uow.published(RecipientStatusChanged)) == 1
    # The answer is kept under the recipient's scope, as review always kept it.
    assert list(registry.answers) == [(f"review.recipient-status:{r.recipient_id}", "stop-1")]


async def test_an_officer_of_another_township_cannot_stop_the_aid(registry: FakeRegistry) -> None:
    r = admit(registry)
    elsewhere = Principal("u-officer-9", frozenset({Role.TOWNSHIP_OFFICER}), division="341702101")
    uow = ReviewUnitOfWork(registry)
    with pytest.raises(Forbidden):
        await change_status(r.recipient_id, STOP, uow=uow, officer=elsewhere, idempotency_key="k")
    assert uow.events == [] and registry.changes == [] and registry.answers == {}


async def test_a_suspension_ends_by_itself_on_its_expected_day(registry: FakeRegistry) -> None:
    suspended = {"status": "suspended", "status_version": 2}
    due = admit(registry, **suspended, expected_end=date(2024, 8, 1))
    later = admit(registry, **suspended, expected_end=date(2024, 8, 2))
    uow = ReviewUnitOfWork(registry)
    assert await end_due_suspensions(uow=uow, today=date(2024, 8, 1)) == 1
    [event] = uow.published(RecipientStatusChanged)
    assert (event.recipient_id, event.status, event.version) == (
        due.recipient_id,
        RecipientStatus.RESUMED,
        3,
    )
    assert (event.effective_date, event.decided_by) == (
        date(2024, 8, 1),
        "review:suspension-expiry",
    )
    assert registry.by_id[later.recipient_id] == later


async def test_a_city_stop_waits_for_the_township_then_ends_the_aid(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    reported = sample(
        CityStatusResolved,
        person_id=r.person_id,
        case_id="CZ-9",
        external_reference="CZ-9:stopped:2024-07-01",
        status="stopped",
        effective_date=date(2024, 7, 1),
        city_reason_code="other",
    )
    await uow.apply(reported)
    assert uow.events == []  # held: the county wants its township to confirm stops
    [held] = registry.held.values()

    confirmed = await confirm_city_report(held.report_id, uow=uow, officer=OFFICER)

    assert (confirmed.state, confirmed.decided_by) == (HeldState.CONFIRMED, "u-officer-7")
    assert registry.held[reported.external_reference].state is HeldState.CONFIRMED
    [event] = uow.published(RecipientStatusChanged)
    assert (event.status, event.source, event.decided_by) == (
        RecipientStatus.STOPPED,
        StatusSource.CITY_SYSTEM,
        "u-officer-7",
    )
    assert registry.history == {reported.external_reference: event}
    assert registry.by_id[r.recipient_id].status is RecipientStatus.STOPPED
    assert event.recipient_id == r.recipient_id
