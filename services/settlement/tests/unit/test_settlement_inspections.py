"""Issue 19's rules: the inspector's level, what a visit names, coverage by checks done."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from civic.errors import Forbidden, NotFound, Unprocessable
from contracts.enums import Role
from contracts.kinds import SpotCheckOutcome
from contracts.samples import sample
from contracts.supervision import ComplaintOutcome, ComplaintResolved, SupervisionLevel
from settlement.domain.checks import Coverage
from settlement.domain.inspections import (
    ComplaintRecord,
    InspectionRuleError,
    Subject,
    agree,
    check_day,
    is_failed,
    level_of,
    place,
)
from settlement.handlers.complaints import complaint_of
from settlement.handlers.inspections import refused

pytestmark = pytest.mark.unit

TOWNSHIP, VILLAGE = "341702100", "341702100201"
PERSON, RECIPIENT, ORDER, PROVIDER, RECORD = (uuid.UUID(int=n) for n in range(1, 6))


@pytest.mark.parametrize(
    ("roles", "level"),
    [
        ({Role.COUNTY_OFFICER}, SupervisionLevel.COUNTY),
        ({Role.TOWNSHIP_OFFICER}, SupervisionLevel.TOWNSHIP),
        ({Role.VILLAGE_STAFF}, SupervisionLevel.VILLAGE),
        ({Role.COORDINATOR}, SupervisionLevel.VILLAGE),
        ({Role.COORDINATOR, Role.TOWNSHIP_OFFICER}, SupervisionLevel.TOWNSHIP),
    ],
)
def test_settlement_the_level_of_an_inspection_comes_from_the_role(
    roles: set[Role], level: SupervisionLevel
) -> None:
    assert level_of(roles) is level


@pytest.mark.parametrize("roles", [{Role.AUDITOR}, {Role.PROVIDER}, set()])
def test_settlement_others_do_not_record_inspections(roles: set[Role]) -> None:
    with pytest.raises(InspectionRuleError) as refusal:
        level_of(roles)
    assert (refusal.value.kind, refusal.value.code) == ("forbidden", "role_forbidden")


def _record() -> Subject:
    return Subject(PERSON, RECIPIENT, ORDER, PROVIDER, RECORD, "341702", TOWNSHIP, VILLAGE)


def test_settlement_what_the_named_things_say_fills_the_visit() -> None:
    merged = agree(Subject(record_id=RECORD), [_record()])
    assert merged == _record()


def test_settlement_named_things_that_disagree_are_refused_naming_the_field() -> None:
    other_order = Subject(order_id=uuid.uuid4(), person_id=PERSON, township_code=TOWNSHIP)
    with pytest.raises(InspectionRuleError) as refusal:
        agree(Subject(record_id=RECORD, order_id=ORDER), [_record(), other_order])
    assert (refusal.value.code, refusal.value.field) == (
        "inspection_targets_disagree",
        "body.order_id",
    )
    with pytest.raises(InspectionRuleError):
        agree(Subject(record_id=RECORD, person_id=uuid.uuid4()), [_record()])


def test_settlement_a_village_inspects_only_its_own_village() -> None:
    assert place(_record(), SupervisionLevel.VILLAGE, VILLAGE).village_code == VILLAGE
    with pytest.raises(InspectionRuleError) as refusal:
        place(_record(), SupervisionLevel.VILLAGE, "341702100202")
    assert (refusal.value.kind, refusal.value.code) == ("forbidden", "outside_own_village")
    provider_only = Subject(provider_id=PROVIDER, township_code=TOWNSHIP)
    with pytest.raises(InspectionRuleError):  # a provider alone has no village
        place(provider_only, SupervisionLevel.VILLAGE, VILLAGE)


def test_settlement_the_place_of_a_visit_is_known_or_refused() -> None:
    provider_only = Subject(provider_id=PROVIDER)
    # A township officer visits in their own township; a county officer must say where.
    assert place(provider_only, SupervisionLevel.TOWNSHIP, TOWNSHIP).county_code == "341702"
    with pytest.raises(InspectionRuleError) as refusal:
        place(provider_only, SupervisionLevel.COUNTY, "341702")
    assert refusal.value.field == "body.township_code"
    with pytest.raises(InspectionRuleError) as unknown:
        place(
            Subject(provider_id=PROVIDER, township_code="341702999"),
            SupervisionLevel.COUNTY,
            "341702",
        )
    assert unknown.value.code == "unknown_township"


def test_settlement_a_visit_is_never_dated_after_today() -> None:
    check_day(date(2026, 12, 6), date(2026, 12, 6))
    with pytest.raises(InspectionRuleError) as refusal:
        check_day(date(2026, 12, 7), date(2026, 12, 6))
    assert (refusal.value.code, refusal.value.field) == ("checked_on_in_future", "body.checked_on")


def test_settlement_only_a_confirmed_visit_passes() -> None:
    assert [o for o in SpotCheckOutcome if not is_failed(o)] == [SpotCheckOutcome.CONFIRMED]


def test_settlement_refusals_are_answered_by_their_kind() -> None:
    assert isinstance(refused(InspectionRuleError("invalid", "x", "错")), Unprocessable)
    assert isinstance(refused(InspectionRuleError("forbidden", "x", "错")), Forbidden)
    assert isinstance(refused(InspectionRuleError("not_found", "x", "错")), NotFound)


@pytest.mark.parametrize(
    ("figures", "meets"),
    [
        ((10, 3, 0, 0, 0), False),  # drawn but never checked: the county is not at 30%
        ((10, 10, 2, 2, 0), False),
        ((10, 3, 3, 1, 2), True),  # failed checks are checks done
        ((7, 0, 3, 3, 0), True),  # inspections of records never drawn count
        ((0, 0, 0, 0, 0), True),
    ],
)
def test_settlement_the_30_percent_target_is_met_by_checked_records(
    figures: tuple[int, int, int, int, int], meets: bool
) -> None:
    assert Coverage(*figures).meets_minimum is meets


def test_settlement_a_resolved_complaint_is_kept_on_its_chizhou_day() -> None:
    event = sample(
        ComplaintResolved,
        complaint_id=uuid.uuid4(),
        version=3,
        township_code=TOWNSHIP,
        record_id=RECORD,
        outcome=ComplaintOutcome.PARTLY_SUBSTANTIATED,
        occurred_at=datetime(2024, 6, 30, 16, 30, tzinfo=UTC),
    )
    kept = complaint_of(event)
    assert (kept.resolved_on, kept.county_code, kept.version) == (date(2024, 7, 1), "341702", 3)
    assert kept.reverses_record is True


@pytest.mark.parametrize(
    ("outcome", "record_id", "reverses"),
    [
        (ComplaintOutcome.SUBSTANTIATED, RECORD, True),
        (ComplaintOutcome.PARTLY_SUBSTANTIATED, RECORD, True),
        (ComplaintOutcome.NOT_SUBSTANTIATED, RECORD, False),
        (ComplaintOutcome.WITHDRAWN, RECORD, False),
        (ComplaintOutcome.SUBSTANTIATED, None, False),
    ],
)
def test_settlement_only_a_substantiated_complaint_naming_a_record_reverses_it(
    outcome: ComplaintOutcome, record_id: uuid.UUID | None, reverses: bool
) -> None:
    kept = ComplaintRecord(
        uuid.uuid4(),
        None,
        record_id,
        "341702",
        TOWNSHIP,
        "quality",
        outcome,
        False,
        date(2024, 7, 1),
        1,
    )
    assert kept.reverses_record is reverses
