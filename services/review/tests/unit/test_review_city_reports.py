"""The city system's reports as review's changes: reason codes and what each status asks."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.enums import RecipientStatus, StatusSource
from contracts.intake import CityStatusResolved
from contracts.reasons import StatusChangeReason
from contracts.samples import sample
from review.domain.case import StateConflict
from review.domain.city import (
    HeldState,
    change_from_city,
    city_origin,
    city_reason,
    confirmed_origin,
    held,
    needs_confirmation,
)
from review.domain.decision import Recipient

pytestmark = pytest.mark.unit


def report(**overrides: Any) -> CityStatusResolved:
    values: dict[str, Any] = {
        "person_id": uuid.uuid4(),
        "case_id": "CZ-2024-0001",
        "status": "stopped",
        "category": "dibao",
        "effective_date": date(2024, 7, 1),
        "city_reason_code": "TB01",
        "reason_zh": "收入超标",
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": "341702100201",
    }
    values |= overrides
    values.setdefault(
        "external_reference", f"{values['case_id']}:{values['status']}:{values['effective_date']}"
    )
    return sample(CityStatusResolved, **values)


@pytest.mark.parametrize(
    ("code", "reason_zh", "expected"),
    [
        ("deceased", None, (StatusChangeReason.DECEASED, None)),
        (" Moved ", "迁往外地", (StatusChangeReason.MOVED, "迁往外地")),
        ("assistance_stopped", "终止", (StatusChangeReason.ASSISTANCE_STOPPED, "终止")),
        ("TB01", "收入超标", (StatusChangeReason.OTHER, "市救助系统原因代码TB01：收入超标")),
        ("X-9", None, (StatusChangeReason.OTHER, "市救助系统原因代码X-9")),
    ],
)
def test_a_city_reason_code_maps_to_ours_or_to_other_with_a_note(
    code: str, reason_zh: str | None, expected: tuple[StatusChangeReason, str | None]
) -> None:
    assert city_reason(code, reason_zh) == expected


def test_a_long_city_reason_is_cut_to_the_contracts_length() -> None:
    reason, note = city_reason("Z1", "很" * 200)
    assert reason is StatusChangeReason.OTHER and note is not None and len(note) == 200


def test_a_stop_becomes_a_change_from_the_city_with_its_reference() -> None:
    got = report()
    change = change_from_city(got)
    assert change is not None
    assert (change.status, change.effective_date) == (RecipientStatus.STOPPED, date(2024, 7, 1))
    assert change.reason_code is StatusChangeReason.OTHER and "TB01" in (change.reason_zh or "")
    origin = city_origin(got)
    assert origin.source is StatusSource.CITY_SYSTEM and origin.decided_by is None
    assert origin.external_reference == "CZ-2024-0001:stopped:2024-07-01"


def test_an_admission_is_no_change_of_a_recipient() -> None:
    assert change_from_city(report(status="active")) is None


def test_a_category_change_takes_the_city_category_and_a_transfer_its_place() -> None:
    category = change_from_city(report(status="category_changed", category="tekun"))
    assert category is not None and category.new_category is not None
    assert category.new_category.value == "tekun"
    moved = change_from_city(
        report(status="transferred", township_code="341702101", village_code="341702101201")
    )
    assert moved is not None
    assert (moved.new_county_code, moved.new_township_code, moved.new_village_code) == (
        "341702",
        "341702101",
        "341702101201",
    )
    assert moved.new_category is None


def recipient_in(village: str = "341702100201") -> Recipient:
    return Recipient.model_validate(
        {
            **{k: uuid.uuid4() for k in ("recipient_id", "person_id", "application_id")},
            "household_id": uuid.uuid4(),
            "category": "dibao",
            "special_conditions": (),
            "self_care_level": None,
            "need_categories": ("life_care",),
            "county_code": village[:6],
            "township_code": village[:9],
            "village_code": village,
            "display_name": "张*三",
            "status": "active",
            "status_version": 1,
            "status_effective_date": date(2024, 6, 1),
            "admitted_on": date(2024, 6, 1),
            "items": (),
            "catalogue_version": 1,
            "approved_by": "u-officer-1",
            "approved_at": "2024-05-30T08:00:00+00:00",
        }
    )


@pytest.mark.parametrize(
    ("status", "confirms", "waits"),
    [
        ("stopped", True, True),
        ("deceased", True, True),
        ("stopped", False, False),
        ("deceased", False, False),
        ("suspended", True, False),
        ("resumed", True, False),
        ("category_changed", True, False),
        ("transferred", True, False),
    ],
)
def test_only_a_stop_or_death_waits_and_only_where_the_county_asks(
    status: str, confirms: bool, waits: bool
) -> None:
    more = {"township_code": "341702101", "village_code": "341702101201"}
    change = change_from_city(report(status=status, category="tekun", **more))
    assert change is not None
    assert needs_confirmation(change, county_confirms=confirms) is waits


def test_a_held_report_sits_with_the_recipients_township_until_decided_once() -> None:
    r = recipient_in("341702100202")
    got = report(township_code="341702101", village_code="341702101201")  # the city's place
    at = datetime(2024, 7, 2, tzinfo=UTC)
    held_one = held(got, r, received_at=at)
    assert (held_one.township_code, held_one.village_code) == ("341702100", "341702100202")
    assert held_one.state is HeldState.PENDING and held_one.report == got
    held_one.ensure_awaiting()
    done = held_one.model_copy(update={"state": HeldState.CONFIRMED})
    with pytest.raises(StateConflict) as refused:
        done.ensure_awaiting()
    assert refused.value.code == "city_report_decided" and "已确认" in refused.value.message_zh
    origin = confirmed_origin(got, "u-officer-7")
    assert (origin.source, origin.decided_by) == (StatusSource.CITY_SYSTEM, "u-officer-7")
    assert origin.external_reference == got.external_reference
