"""The city system's status reports as review's changes, and those held for a township
officer's confirmation. Pure: no I/O."""

from __future__ import annotations

import uuid
from datetime import datetime

from contracts.enums import RecipientStatus, StatusSource
from contracts.intake import CityStatusResolved
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import StatusChangeReason
from review.domain.case import Part, StateConflict
from review.domain.decision import Recipient
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


#: Reports that would end a recipient's services: held for a township officer's confirmation
#: unless the recipient's county turned confirmation off.
ENDING: frozenset[RecipientStatus] = frozenset({RecipientStatus.STOPPED, RecipientStatus.DECEASED})


def needs_confirmation(change: StatusChange, *, county_confirms: bool) -> bool:
    """Whether the change waits on the township's queue instead of applying at once."""
    return county_confirms and change.status in ENDING


@zh_labels(
    {
        "pending": "待确认",
        "refused": "与记录冲突，待处理",
        "no_recipient": "非服务对象，待处理",
        "confirmed": "已确认",
        "rejected": "不予采纳",
        "applied": "已按生效日期顺序生效",
        "superseded": "已被更晚生效的变更取代",
    }
)
class HeldState(ZhEnum):
    """Where a city report kept for a township officer stands."""

    #: A stop or death that waits for the officer's confirmation.
    PENDING = "pending"
    #: Cannot apply to the recipient's history as it stands (the officer may try again).
    REFUSED = "refused"
    #: About a person who is no recipient (yet).
    NO_RECIPIENT = "no_recipient"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    #: A refused report applied by itself once the city's earlier report arrived.
    APPLIED = "applied"
    #: Older than the status in force: recorded, never applied.
    SUPERSEDED = "superseded"


#: The states an officer must act on (confirm or reject); the queue shows these by default.
AWAITING: frozenset[HeldState] = frozenset(
    {HeldState.PENDING, HeldState.REFUSED, HeldState.NO_RECIPIENT}
)


class HeldReport(Part):
    """A city report kept for a township officer, with the recipient it is about (if any)."""

    report_id: uuid.UUID
    report: CityStatusResolved
    recipient_id: uuid.UUID | None
    county_code: str
    township_code: str
    village_code: str | None
    display_name: str | None
    state: HeldState
    received_at: datetime
    refusal_code: str | None = None
    refusal_zh: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None

    def ensure_awaiting(self) -> None:
        """Raises StateConflict once it is decided (or applied, or superseded)."""
        if self.state not in AWAITING:
            raise StateConflict(
                "city_report_decided",
                f"该市救助系统报告{self.state.label_zh}，不能再次处理",
                state=self.state.value,
            )


def held(
    event: CityStatusResolved,
    r: Recipient,
    *,
    received_at: datetime,
    state: HeldState = HeldState.PENDING,
    refusal: tuple[str, str] | None = None,
) -> HeldReport:
    """The report kept on the queue of the recipient's township (with why, if refused)."""
    code, reason = refusal or (None, None)
    return HeldReport(
        report_id=uuid.uuid4(),
        report=event,
        recipient_id=r.recipient_id,
        county_code=r.county_code,
        township_code=r.township_code,
        village_code=r.village_code,
        display_name=r.display_name,
        state=state,
        received_at=received_at,
        refusal_code=code,
        refusal_zh=reason,
    )


#: Why a report about someone who is no recipient waits: code and Chinese reason.
NOT_A_RECIPIENT = (
    "not_a_recipient",
    "该人员不是（或尚不是）服务对象，市救助系统的状态报告无法应用",
)


def unmatched(
    event: CityStatusResolved, place: tuple[str, str | None], *, received_at: datetime
) -> HeldReport:
    """A report about a person who is no recipient, kept on the queue of ``place``'s township."""
    township, village = place
    return HeldReport(
        report_id=uuid.uuid4(),
        report=event,
        recipient_id=None,
        county_code=township[:6],
        township_code=township,
        village_code=village,
        display_name=None,
        state=HeldState.NO_RECIPIENT,
        received_at=received_at,
        refusal_code=NOT_A_RECIPIENT[0],
        refusal_zh=NOT_A_RECIPIENT[1],
    )


def confirmed_origin(event: CityStatusResolved, officer_id: str) -> ChangeOrigin:
    """The city's change, known by its reference, confirmed by a township officer."""
    return city_origin(event).model_copy(update={"decided_by": officer_id})


class CountySettings(Part):
    """What a county decided for itself about the city's reports (defaults until it does)."""

    county_code: str
    confirm_city_stops: bool = True
    updated_by: str | None = None
    updated_at: datetime | None = None
