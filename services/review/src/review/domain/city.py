"""The city system's status reports as review's changes. Pure: no I/O."""

from __future__ import annotations

from contracts.enums import RecipientStatus, StatusSource
from contracts.intake import CityStatusResolved
from contracts.reasons import StatusChangeReason
from review.domain.status import ChangeOrigin, StatusChange

#: Longest Chinese reason the contracts carry (ReasonZh).
_REASON_MAX = 200


def city_reason(code: str, reason_zh: str | None) -> tuple[StatusChangeReason, str | None]:
    """Our reason for the city's code: the same code if it is one of ours, else other + a note."""
    try:
        return StatusChangeReason(code.strip().lower()), reason_zh
    except ValueError:
        note = f"市救助系统原因代码{code}" + (f"：{reason_zh}" if reason_zh else "")
        return StatusChangeReason.OTHER, note[:_REASON_MAX]


def change_from_city(event: CityStatusResolved) -> StatusChange | None:
    """The change a report asks of an existing recipient; None for an admission (active)."""
    if event.status is RecipientStatus.ACTIVE:
        return None
    reason, note = city_reason(event.city_reason_code, event.reason_zh)
    change = StatusChange(
        status=event.status, effective_date=event.effective_date, reason_code=reason, reason_zh=note
    )
    if event.status is RecipientStatus.CATEGORY_CHANGED:
        return change.model_copy(update={"new_category": event.category})
    if event.status is RecipientStatus.TRANSFERRED:
        place = {
            "new_county_code": event.county_code,
            "new_township_code": event.township_code,
            "new_village_code": event.village_code,
        }
        return change.model_copy(update=place)
    return change


def city_origin(event: CityStatusResolved) -> ChangeOrigin:
    """A change reported by the city system, known by its external reference."""
    reference = event.external_reference
    return ChangeOrigin(source=StatusSource.CITY_SYSTEM, external_reference=reference)
