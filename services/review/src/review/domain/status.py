"""A recipient's status (动态管理): the transition table and one change applied. Pure: no I/O."""

from __future__ import annotations

from datetime import date
from typing import Any

from contracts import divisions
from contracts.divisions import DivisionLevel
from contracts.enums import RecipientCategory, RecipientStatus, StatusSource
from contracts.reasons import StatusChangeReason
from review.domain.case import Part, RuleViolation, StateConflict
from review.domain.decision import Recipient

#: Statuses in which a recipient is served as usual.
IN_SERVICE: frozenset[RecipientStatus] = frozenset(
    {
        RecipientStatus.ACTIVE,
        RecipientStatus.RESUMED,
        RecipientStatus.CATEGORY_CHANGED,
        RecipientStatus.TRANSFERRED,
    }
)
#: Statuses after which nothing may change (docs/status-change.md).
TERMINAL: frozenset[RecipientStatus] = frozenset(
    {RecipientStatus.STOPPED, RecipientStatus.DECEASED}
)

_FROM_SERVICE = frozenset(
    {
        RecipientStatus.SUSPENDED,
        RecipientStatus.STOPPED,
        RecipientStatus.CATEGORY_CHANGED,
        RecipientStatus.TRANSFERRED,
        RecipientStatus.DECEASED,
    }
)

#: from → the statuses a change may lead to.
TRANSITIONS: dict[RecipientStatus, frozenset[RecipientStatus]] = {
    **dict.fromkeys(IN_SERVICE, _FROM_SERVICE),
    RecipientStatus.SUSPENDED: frozenset(
        {RecipientStatus.RESUMED, RecipientStatus.STOPPED, RecipientStatus.DECEASED}
    ),
    RecipientStatus.STOPPED: frozenset(),
    RecipientStatus.DECEASED: frozenset(),
}

_NEW_PLACE = ("new_county_code", "new_township_code", "new_village_code")
#: The fields that go with one status only; any other status refuses them.
_BELONGS_TO: dict[str, RecipientStatus] = {
    "expected_end": RecipientStatus.SUSPENDED,
    "new_category": RecipientStatus.CATEGORY_CHANGED,
    **dict.fromkeys(_NEW_PLACE, RecipientStatus.TRANSFERRED),
}


class StatusChange(Part):
    """One change asked for: the new status, from when, why, and what goes with it."""

    status: RecipientStatus
    effective_date: date
    reason_code: StatusChangeReason
    reason_zh: str | None = None
    expected_end: date | None = None
    new_category: RecipientCategory | None = None
    new_county_code: str | None = None
    new_township_code: str | None = None
    new_village_code: str | None = None


class ChangeOrigin(Part):
    """Who decided a change: an officer at review, or the city system with its reference."""

    source: StatusSource
    decided_by: str | None = None
    external_reference: str | None = None


def ensure_allowed(current: RecipientStatus, target: RecipientStatus) -> None:
    """Raises StateConflict unless the table allows ``current`` → ``target``."""
    if current in TERMINAL:
        raise StateConflict(
            "recipient_status_final",
            f"该服务对象已{current.label_zh}，状态不能再变更",
            status=current.value,
        )
    if target not in TRANSITIONS[current]:
        raise StateConflict(
            "transition_not_allowed",
            f"服务对象当前为“{current.label_zh}”，不能变更为“{target.label_zh}”",
            status=current.value,
            requested=target.value,
        )


def check_dates(recipient: Recipient, change: StatusChange) -> None:
    """The change applies on or after admission and the last change; a suspension ends later."""
    where = "body.effective_date"
    if change.effective_date < recipient.admitted_on:
        raise RuleViolation(
            "effective_before_admission",
            f"生效日期不能早于纳入日期({recipient.admitted_on:%Y年%m月%d日})",
            field=where,
        )
    if change.effective_date < recipient.status_effective_date:
        raise RuleViolation(
            "effective_before_last_change",
            f"生效日期不能早于上次状态变更的生效日期({recipient.status_effective_date:%Y年%m月%d日})",
            field=where,
        )
    if change.expected_end is not None and change.expected_end <= change.effective_date:
        raise RuleViolation(
            "expected_end_not_after_start", "预计结束日期应晚于生效日期", field="body.expected_end"
        )


def check_fields(change: StatusChange) -> None:
    """Refuses a field that belongs to another kind of change."""
    for name, owner in _BELONGS_TO.items():
        if getattr(change, name) is not None and change.status is not owner:
            raise RuleViolation(
                "field_not_applicable",
                f"该字段仅用于“{owner.label_zh}”，不适用于“{change.status.label_zh}”",
                field=f"body.{name}",
            )


def _new_category(recipient: Recipient, change: StatusChange) -> dict[str, Any]:
    if change.new_category is None:
        raise RuleViolation(
            "new_category_required", "类别变更须填写新的救助类别", field="body.new_category"
        )
    if change.new_category is recipient.category:
        raise RuleViolation("same_category", "新的救助类别与现类别相同", field="body.new_category")
    return {"category": change.new_category}


def _new_place(recipient: Recipient, change: StatusChange) -> dict[str, Any]:
    county, township, village = (getattr(change, n) for n in _NEW_PLACE)
    if village is None or township is None or county is None:
        missing = next(n for n in _NEW_PLACE if getattr(change, n) is None)
        raise RuleViolation(
            "new_place_required",
            "迁移须填写迁入地的县(区)、乡镇(街道)和村(社区)",
            field=f"body.{missing}",
        )
    found = divisions.get(village)
    if found is None or found.level is not DivisionLevel.VILLAGE:
        raise RuleViolation(
            "unknown_village", "迁入地不是池州市的村(社区)", field="body.new_village_code"
        )
    if divisions.township_of(village) != township or divisions.county_of(village) != county:
        raise RuleViolation(
            "divisions_do_not_nest",
            "迁入地的村(社区)、乡镇(街道)与县(区)不相符",
            field="body.new_township_code",
        )
    if village == recipient.village_code:
        raise RuleViolation("same_village", "迁入地与现居住地相同", field="body.new_village_code")
    return {"county_code": county, "township_code": township, "village_code": village}


def change_status(recipient: Recipient, change: StatusChange) -> Recipient:
    """The recipient after an accepted change (next status version); raises on a refusal."""
    ensure_allowed(recipient.status, change.status)
    check_fields(change)
    check_dates(recipient, change)
    details: dict[str, Any] = {}
    if change.status is RecipientStatus.CATEGORY_CHANGED:
        details = _new_category(recipient, change)
    elif change.status is RecipientStatus.TRANSFERRED:
        details = _new_place(recipient, change)
    return recipient.model_copy(
        update={
            **details,
            "status": change.status,
            "status_version": recipient.status_version + 1,
            "status_effective_date": change.effective_date,
            "expected_end": change.expected_end,
        }
    )


#: The origin recorded when a suspension ends on its expected day without an officer acting.
SUSPENSION_EXPIRY = ChangeOrigin(
    source=StatusSource.REVIEW_OFFICER, decided_by="review:suspension-expiry"
)


def end_of_suspension(recipient: Recipient) -> StatusChange:
    """The change that resumes a suspended recipient on the day the suspension was to end."""
    if recipient.status is not RecipientStatus.SUSPENDED or recipient.expected_end is None:
        raise StateConflict(
            "no_suspension_to_end",
            "该服务对象不在有预计结束日期的暂停中",
            status=recipient.status.value,
        )
    return StatusChange(
        status=RecipientStatus.RESUMED,
        effective_date=recipient.expected_end,
        reason_code=StatusChangeReason.ASSISTANCE_RESUMED,
        reason_zh="暂停期满，自动恢复",
    )
