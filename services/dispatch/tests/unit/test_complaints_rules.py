"""Complaints: the SLA table, what a filing must agree on, escalation township → county,
who may resolve, when a resolution is overdue, and what the events carry."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from civic.testing import FakeUnitOfWork
from contracts import topics
from contracts.enums import Role
from contracts.supervision import (
    ComplaintCategory,
    ComplaintNoticed,
    ComplaintOutcome,
    ComplaintSource,
    SupervisionLevel,
)
from dispatch.adapters import complaint_events
from dispatch.domain import complaints as rules
from dispatch.domain.complaint_filing import Filing, Named, source_of, subject_of
from dispatch.domain.complaints import (
    ComplaintConflict,
    ComplaintForbidden,
    ComplaintNotFound,
    ComplaintRefused,
    ComplaintStatus,
    Resolution,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 3, 8, 0, tzinfo=UTC)  # 16:00 in Chizhou
HOUR = timedelta(hours=1)
VILLAGE = "341702100201"
PERSON, ORDER, RECORD, PROVIDER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
NAMED = Named(
    recipient_id=uuid.uuid4(),
    county_code=VILLAGE[:6],
    township_code=VILLAGE[:9],
    village_code=VILLAGE,
    order_person_id=PERSON,
    order_provider_code="meal-a",
    record_order_id=ORDER,
    record_provider_code="meal-a",
    record_worker_ref="w7",
    provider_id=PROVIDER,
)
FILING = Filing(
    person_id=PERSON,
    category=ComplaintCategory.SERVICE_NOT_DELIVERED,
    description_zh="午餐没有送到",
    order_id=ORDER,
    record_id=RECORD,
)
TOWNSHIP = frozenset({Role.TOWNSHIP_OFFICER})
COUNTY = frozenset({Role.COUNTY_OFFICER})


def opened(
    category: ComplaintCategory = ComplaintCategory.SERVICE_NOT_DELIVERED,
) -> rules.Complaint:
    return rules.opened(
        subject_of(FILING, NAMED),
        complaint_id=uuid.uuid4(),
        category=category,
        source=ComplaintSource.HOTLINE,
        opened_by="u-hotline",
        now=NOW,
        hour=HOUR,
    )


def resolve(found: rules.Complaint, at: datetime, told: date = date(2026, 6, 3)) -> rules.Complaint:
    resolution = Resolution(ComplaintOutcome.SUBSTANTIATED, told)
    return rules.resolved(
        found,
        resolution,
        level=SupervisionLevel.TOWNSHIP,
        resolved_by="u-town",
        now=at,
        today=at.date(),
    )


def test_every_category_has_a_deadline_and_safety_comes_first() -> None:
    assert set(rules.SLA_HOURS) == set(ComplaintCategory)
    assert min(rules.SLA_HOURS, key=rules.SLA_HOURS.__getitem__) is ComplaintCategory.SAFETY
    assert rules.sla(ComplaintCategory.SERVICE_NOT_DELIVERED, hour=HOUR) == timedelta(hours=48)
    # The setting shortens every deadline alike (tests run an hour in a quarter second).
    quick = timedelta(seconds=0.25)
    assert rules.sla(ComplaintCategory.OTHER, hour=quick) == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("roles", "source"),
    [
        ({Role.TOWNSHIP_OFFICER}, ComplaintSource.HOTLINE),
        ({Role.COUNTY_OFFICER}, ComplaintSource.HOTLINE),
        ({Role.COORDINATOR}, ComplaintSource.VILLAGE_COORDINATOR),
        ({Role.VILLAGE_STAFF}, ComplaintSource.VILLAGE_COORDINATOR),
        ({Role.PROVIDER}, ComplaintSource.PROVIDER_REPORT),
        ({Role.APPLICANT_APP}, ComplaintSource.APP),
    ],
)
def test_the_source_follows_who_filed(roles: set[Role], source: ComplaintSource) -> None:
    assert source_of(frozenset(roles)) is source


def test_a_record_names_its_order_provider_and_worker() -> None:
    subject = subject_of(FILING, NAMED)
    assert (subject.provider_code, subject.provider_id, subject.worker_ref) == (
        "meal-a",
        PROVIDER,
        "w7",
    )
    assert (subject.township_code, subject.village_code) == (VILLAGE[:9], VILLAGE)
    named_worker = subject_of(replace(FILING, worker_ref="w9"), NAMED)
    assert named_worker.worker_ref == "w9"


@pytest.mark.parametrize(
    ("filing", "named", "code"),
    [
        (FILING, replace(NAMED, recipient_id=None, village_code=None), "person_not_found"),
        (FILING, replace(NAMED, order_person_id=None), "order_not_found"),
        (FILING, replace(NAMED, order_person_id=uuid.uuid4()), "order_of_another_person"),
        (FILING, replace(NAMED, record_order_id=None), "record_not_found"),
        (FILING, replace(NAMED, record_order_id=uuid.uuid4()), "record_of_another_order"),
        (replace(FILING, order_id=None), NAMED, "record_needs_order"),
        (replace(FILING, provider_code="care-b"), NAMED, "provider_not_of_order"),
        (
            replace(FILING, provider_code="nobody"),
            replace(NAMED, provider_id=None),
            "provider_not_found",
        ),
    ],
)
def test_names_that_do_not_agree_are_refused(filing: Filing, named: Named, code: str) -> None:
    with pytest.raises(ComplaintRefused) as refused:
        subject_of(filing, named)
    assert (refused.value.code, refused.value.kind) == (code, "invalid")
    assert refused.value.field and refused.value.field.startswith("body.")


def test_the_township_handles_a_new_complaint_by_its_categorys_deadline() -> None:
    found = opened(ComplaintCategory.SAFETY)
    assert found.supervision_level is SupervisionLevel.TOWNSHIP
    assert found.respond_by == NOW + timedelta(hours=24)
    assert (found.version, found.status, found.overdue) == (1, ComplaintStatus.OPEN, False)


def test_past_the_township_deadline_the_county_takes_it_with_a_deadline_anew() -> None:
    found = opened()
    later = found.respond_by + timedelta(minutes=3)
    up = rules.escalated(found, now=later, hour=HOUR)
    assert (up.supervision_level, up.version, up.overdue) == (SupervisionLevel.COUNTY, 2, True)
    assert (up.respond_by, up.escalated_at) == (later + timedelta(hours=48), later)
    with pytest.raises(ComplaintConflict):
        rules.escalated(up, now=later, hour=HOUR)  # the county is the top: it stays overdue
    assert up.overdue_at(up.respond_by + HOUR)


def test_a_township_officer_decides_only_until_the_county_takes_over() -> None:
    found = opened()
    assert rules.level_of(TOWNSHIP, found) is SupervisionLevel.TOWNSHIP
    assert rules.level_of(COUNTY, found) is SupervisionLevel.COUNTY
    up = rules.escalated(found, now=found.respond_by, hour=HOUR)
    with pytest.raises(ComplaintForbidden) as refused:
        rules.level_of(TOWNSHIP, up)
    assert refused.value.code == "escalated_to_county"
    assert rules.level_of(COUNTY, up) is SupervisionLevel.COUNTY


def test_a_resolution_is_overdue_only_after_a_deadline_passed() -> None:
    found = opened()
    in_time = resolve(found, found.respond_by - timedelta(minutes=1))
    assert (in_time.status, in_time.overdue, in_time.version) == (
        ComplaintStatus.RESOLVED,
        False,
        2,
    )
    assert resolve(found, found.respond_by + timedelta(minutes=1)).overdue
    up = rules.escalated(found, now=found.respond_by, hour=HOUR)
    assert resolve(up, up.escalated_at or NOW).overdue  # escalated: a deadline was missed
    with pytest.raises(ComplaintConflict) as twice:
        resolve(in_time, NOW)
    assert twice.value.code == "complaint_resolved"


@pytest.mark.parametrize(
    ("told", "code"),
    [(date(2026, 6, 4), "told_in_future"), (date(2026, 6, 2), "told_before_opened")],
)
def test_the_day_the_complainant_was_told_lies_between_opening_and_today(
    told: date, code: str
) -> None:
    with pytest.raises(ComplaintRefused) as refused:
        resolve(opened(), NOW + HOUR, told)
    assert refused.value.code == code


def test_queues_are_a_township_or_a_county_and_providers_see_only_their_own() -> None:
    assert rules.queue_division("341702100") == "341702100"
    with pytest.raises(ComplaintForbidden):
        rules.queue_division(VILLAGE)
    with pytest.raises(ComplaintNotFound):
        rules.ensure_names_provider(opened(), "care-b")


def test_the_events_carry_codes_and_name_the_record_found_true() -> None:
    found = resolve(opened(), NOW + HOUR)
    event = complaint_events.resolved(found)
    assert (event.record_id, event.order_id, event.provider_code) == (RECORD, ORDER, "meal-a")
    assert (event.outcome.substantiated, event.overdue, event.version) == (True, False, 2)
    assert "午餐" not in event.model_dump_json()
    up = complaint_events.escalated(rules.escalated(opened(), now=NOW, hour=HOUR))
    assert (up.escalated_to, up.supervision_level) == (Role.COUNTY_OFFICER, SupervisionLevel.COUNTY)


async def test_the_provider_named_is_told_on_its_own_topic_but_not_of_its_own_report() -> None:
    uow = FakeUnitOfWork()
    async with uow:
        complaint_events.tell_provider(uow, opened())
        complaint_events.tell_provider(
            uow, replace(opened(), source=ComplaintSource.PROVIDER_REPORT)
        )
        await uow.commit()
    assert [(p.topic, type(p.event)) for p in uow.outbox] == [
        (topics.provider_orders("meal-a"), ComplaintNoticed)
    ]
