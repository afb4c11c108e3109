"""The city system's reports as review's changes: reason codes and what each status asks."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from contracts.enums import RecipientStatus, StatusSource
from contracts.intake import CityStatusResolved
from contracts.reasons import StatusChangeReason
from contracts.samples import sample
from review.domain.city import change_from_city, city_origin, city_reason

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
