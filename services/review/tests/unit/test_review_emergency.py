"""Issue 20: emergency care (救急难) on in-memory fakes — opened at once, consent for
institutional care, confirmed by the township's approval, ended by a rejection or, once, by
its deadline."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from civic.security import Principal
from contracts import calendar
from contracts.enums import RecipientStatus, Role
from contracts.review import (
    ApprovalRoute,
    ChangeSource,
    RecipientApproved,
    RecipientServicesChanged,
    RecipientStatusChanged,
)
from review.domain import events
from review.domain.case import (
    Approval,
    Case,
    DecideCommand,
    ItemRequest,
    NeedAssessment,
    Rejection,
    RuleViolation,
)
from review.domain.emergency import ConsentGiven, EmergencyState, OpenEmergency
from review.handlers import decide_application, end_due_emergencies, open_emergency
from review.handlers.emergencies import held_emergency

from .fakes import TOWNSHIP, VILLAGE, ReviewUnitOfWork
from .fakes_living import LivingRegistry, use_living_fakes

pytestmark = pytest.mark.unit

NOW = datetime(2024, 7, 1, 2, tzinfo=UTC)
COORDINATOR = Principal("u-coord-3", frozenset({Role.COORDINATOR}), division=TOWNSHIP)
OFFICER = Principal("u-officer-7", frozenset({Role.TOWNSHIP_OFFICER}), division=TOWNSHIP)
DAY_S = 86400.0


def request(code: str, mode: str = "government_purchase") -> ItemRequest:
    return ItemRequest.model_validate(
        {
            "item_code": code,
            "mode": mode,
            "frequency": {"times": 1, "per": "day"},
            "funding_source": "home_elderly_care",
        }
    )


@pytest.fixture(autouse=True)
def fixed_now() -> Iterator[None]:
    before = clock.current()
    clock.use(Clock.fixed(NOW))
    yield
    clock.use(before)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> LivingRegistry:
    fake = LivingRegistry()
    use_living_fakes(monkeypatch, fake)
    return fake


@pytest.fixture
def known(registry: LivingRegistry, story: Callable[..., Any]) -> Callable[..., Any]:
    """Files a story's events on a case review knows: ``s = known(surveyed=True)``."""

    def file(surveyed: bool = False) -> Any:
        s = story(village_code=VILLAGE)
        case = Case(application_id=s.application_id, person_id=s.person_id)
        for event in (s.registered(), *((s.completed(), s.passed()) if surveyed else ())):
            case = events.file_event(case, event)
        registry.cases[case.application_id] = case
        return s

    return file


async def _open(registry: LivingRegistry, s: Any, **more: Any) -> Any:
    cmd = OpenEmergency(application_id=s.application_id, items=(request("LC-03"),), **more)
    uow = ReviewUnitOfWork(registry)
    opened = await open_emergency(
        cmd, uow=uow, opener=COORDINATOR, day_s=DAY_S, idempotency_key=None
    )
    return opened, uow


async def test_an_emergency_makes_a_recipient_at_once_time_boxed(
    registry: LivingRegistry, known: Callable[..., Any]
) -> None:
    s = known()
    opened, uow = await _open(registry, s, days=10, medical_institution_needed=True)
    [approved] = uow.published(RecipientApproved)
    assert (approved.route, approved.approved_by, approved.effective_date) == (
        ApprovalRoute.EMERGENCY,
        "u-coord-3",
        NOW.date(),
    )
    assert approved.temporary_until == calendar.day_of(NOW + timedelta(days=10))
    assert approved.medical_institution_needed and approved.recipient_id == opened.recipient_id
    assert registry.by_id[opened.recipient_id].status is RecipientStatus.ACTIVE
    assert opened.state is EmergencyState.OPEN and opened.deadline_at == NOW + timedelta(days=10)


async def test_institutional_care_needs_recorded_consent(
    registry: LivingRegistry, known: Callable[..., Any]
) -> None:
    s = known()
    care = OpenEmergency(
        application_id=s.application_id, items=(request("IC-01", "institutional_care"),)
    )
    uow = ReviewUnitOfWork(registry)
    with pytest.raises(RuleViolation) as refused:
        await open_emergency(care, uow=uow, opener=OFFICER, day_s=DAY_S, idempotency_key=None)
    assert (refused.value.code, refused.value.field) == ("consent_required", "body.consent")
    assert registry.by_id == {} and uow.events == []
    given = ConsentGiven(method="written_signature", given_at=NOW - timedelta(hours=1))
    opened = await open_emergency(
        care.model_copy(update={"consent": given}),
        uow=uow,
        opener=OFFICER,
        day_s=DAY_S,
        idempotency_key=None,
    )
    assert opened.consent is not None
    assert (opened.consent.recorded_by, opened.consent.recorded_at) == ("u-officer-7", NOW)


async def test_an_unconfirmed_emergency_ends_once_on_its_deadline(
    registry: LivingRegistry, known: Callable[..., Any]
) -> None:
    opened, _ = await _open(registry, known(), days=2)
    uow = ReviewUnitOfWork(registry)
    assert await end_due_emergencies(uow=uow, now=NOW + timedelta(days=1)) == 0
    assert await end_due_emergencies(uow=uow, now=NOW + timedelta(days=2)) == 1
    assert await end_due_emergencies(uow=uow, now=NOW + timedelta(days=3)) == 0
    [stop] = uow.published(RecipientStatusChanged)
    assert (stop.status, stop.reason_code.value, stop.reason_zh, stop.decided_by) == (
        RecipientStatus.STOPPED,
        "other",
        "临时救助期满未经审核确认",
        None,
    )
    assert registry.emergencies[opened.recipient_id].state is EmergencyState.ENDED


def _approval() -> Approval:
    return Approval(
        need_assessment=NeedAssessment(
            self_care_level="moderate", need_categories=("life_care", "cleaning")
        ),
        items=(request("LC-03"), request("CL-01")),
        effective_date=NOW.date(),
    )


async def test_the_townships_approval_confirms_the_emergency(
    registry: LivingRegistry, known: Callable[..., Any]
) -> None:
    s = known(surveyed=True)
    opened, _ = await _open(registry, s)
    uow = ReviewUnitOfWork(registry)
    cmd = DecideCommand(application_id=s.application_id, decision=_approval())
    decided, _ = await decide_application(cmd, uow=uow, officer=OFFICER, idempotency_key=None)
    assert decided.recipient_id == opened.recipient_id
    assert uow.published(RecipientApproved) == []  # no second recipient
    [confirmed] = uow.published(RecipientServicesChanged)
    assert (confirmed.reason_code.value, confirmed.source, confirmed.ends_temporary_care) == (
        "emergency_confirmed",
        ChangeSource.REVIEW,
        True,
    )
    assert (confirmed.added_item_codes, confirmed.removed_item_codes) == (("CL-01",), ())
    assert confirmed.services_version == 2 and confirmed.decided_by == "u-officer-7"
    assert registry.emergencies[opened.recipient_id].state is EmergencyState.CONFIRMED
    assert await end_due_emergencies(uow=uow, now=NOW + timedelta(days=60)) == 0
    assert uow.published(RecipientStatusChanged) == []


async def test_a_rejection_at_review_ends_the_emergency_at_once(
    registry: LivingRegistry, known: Callable[..., Any]
) -> None:
    s = known(surveyed=True)
    opened, _ = await _open(registry, s)
    uow = ReviewUnitOfWork(registry)
    no = Rejection(reason_code="no_service_need", reason_zh="不符合条件")
    cmd = DecideCommand(application_id=s.application_id, decision=no)
    await decide_application(cmd, uow=uow, officer=OFFICER, idempotency_key=None)
    [stop] = uow.published(RecipientStatusChanged)
    assert (stop.recipient_id, stop.status, stop.decided_by) == (
        opened.recipient_id,
        RecipientStatus.STOPPED,
        "u-officer-7",
    )
    assert registry.emergencies[opened.recipient_id].state is EmergencyState.ENDED
    assert await end_due_emergencies(uow=uow, now=NOW + timedelta(days=60)) == 0


async def test_an_ended_emergency_is_not_confirmed(
    registry: LivingRegistry, known: Callable[..., Any]
) -> None:
    s = known(surveyed=True)
    await _open(registry, s, days=1)
    await end_due_emergencies(uow=ReviewUnitOfWork(registry), now=NOW + timedelta(days=2))
    with pytest.raises(Exception) as ended:
        await held_emergency(ReviewUnitOfWork(registry), registry.cases[s.application_id])
    assert getattr(ended.value, "code", None) == "emergency_ended"
    assert uuid.UUID(str(ended.value.extra["recipient_id"]))  # type: ignore[attr-defined]
