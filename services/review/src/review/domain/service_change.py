"""Changes to an active recipient's services (及时进行优化、增减): the proposed item changes
applied to the current items, who decides, and the diff announced. Pure: no I/O."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from contracts.enums import FundingSource, SelfCareLevel, ServiceMode
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import ServiceChangeReason
from contracts.review import ChangeSource, ItemProvider
from contracts.values import ApprovedItem, Frequency
from review.domain.case import Part, RuleViolation, StateConflict
from review.domain.decision import Catalogue, Recipient
from review.domain.status import IN_SERVICE


@zh_labels({"add": "增加", "remove": "减少", "change": "调整"})
class ChangeAction(ZhEnum):
    """What a change does to one item."""

    ADD = "add"
    REMOVE = "remove"
    CHANGE = "change"


@zh_labels({"pending": "待审核", "approved": "已同意", "refused": "不予同意"})
class ChangeState(ZhEnum):
    """Where a change request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ItemChange(Part):
    """One item added, removed, or kept with new terms (and, if chosen, its provider)."""

    action: ChangeAction
    item_code: str
    mode: ServiceMode | None = None
    frequency: Frequency | None = None
    funding_source: FundingSource | None = None
    provider_code: str | None = None


class Proposal(Part):
    """What a proposer asks for: the item changes, why, from when, and a light re-assessment."""

    changes: tuple[ItemChange, ...]
    reason_code: ServiceChangeReason
    reason_zh: str | None = None
    effective_date: date
    self_care_level: SelfCareLevel | None = None
    note_zh: str | None = None


class Outcome(Part):
    """The approved set after the change and how it differs from the set before."""

    approved_items: tuple[ApprovedItem, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    item_providers: tuple[ItemProvider, ...] = ()


class ChangeRequest(Part):
    """A change request as kept: the proposal, who made it, and the decision once made."""

    change_id: uuid.UUID
    recipient_id: uuid.UUID
    person_id: uuid.UUID
    county_code: str
    township_code: str
    village_code: str
    state: ChangeState
    source: ChangeSource
    proposal: Proposal
    county_decides: bool
    requested_by: str
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    refusal_zh: str | None = None
    services_version: int | None = None
    outcome: Outcome | None = None


_TERMS = ("mode", "frequency", "funding_source")


def ensure_in_service(recipient: Recipient) -> None:
    """Only a recipient being served has services to change."""
    if recipient.status not in IN_SERVICE:
        raise StateConflict(
            "recipient_not_in_service",
            f"服务对象当前为“{recipient.status.label_zh}”，不能调整服务事项",
            status=recipient.status.value,
        )


def check_effective(effective_date: date, today: date) -> None:
    """A change applies from today on, never from a day gone by."""
    if effective_date < today:
        raise RuleViolation(
            "effective_in_past",
            f"生效日期不能早于今天({today:%Y年%m月%d日})",
            field="body.effective_date",
        )


def _added(i: int, ch: ItemChange, catalogue: Catalogue | None) -> ApprovedItem:
    if catalogue is None:
        raise RuleViolation(
            "no_catalogue_in_force",
            "该生效日期尚无施行中的服务项目目录",
            field="body.effective_date",
        )
    item = catalogue.items.get(ch.item_code)
    if item is None:
        raise RuleViolation(
            "unknown_item",
            f"服务项目 {ch.item_code} 不在施行中的服务目录(第{catalogue.version}版)中",
            field=f"body.changes.{i}.item_code",
        )
    missing = next((t for t in _TERMS if getattr(ch, t) is None), None)
    if missing is not None:
        raise RuleViolation(
            "terms_required",
            "增加服务事项须填写服务方式、频次和资金来源",
            field=f"body.changes.{i}.{missing}",
        )
    return ApprovedItem(
        item_code=ch.item_code,
        service_category=item.service_category,
        **{t: getattr(ch, t) for t in _TERMS},
    )


def _changed(i: int, ch: ItemChange, old: ApprovedItem) -> ApprovedItem:
    new = old.model_copy(update={t: getattr(ch, t) for t in _TERMS if getattr(ch, t) is not None})
    if new == old and ch.provider_code is None:
        raise RuleViolation(
            "nothing_changed",
            f"服务项目 {ch.item_code} 的调整与现有内容相同",
            field=f"body.changes.{i}",
        )
    return new


def _not_approved(i: int, code: str) -> StateConflict:
    return _conflict(
        "item_not_approved",
        f"服务项目 {code} 不在该服务对象现有的服务事项中",
        f"body.changes.{i}.item_code",
    )


def _conflict(code: str, message_zh: str, where: str) -> StateConflict:
    """A 409 that names the field it is about (civic's problem document reads ``field``)."""
    exc = StateConflict(code, message_zh)
    setattr(exc, "field", where)  # noqa: B010 - StateConflict carries no field of its own
    return exc


def _apply_one(
    i: int, ch: ItemChange, items: dict[str, ApprovedItem], catalogue: Catalogue | None
) -> None:
    if ch.action is ChangeAction.ADD:
        if ch.item_code in items:
            raise _conflict(
                "item_already_approved",
                f"服务项目 {ch.item_code} 已在现有服务事项中",
                f"body.changes.{i}.item_code",
            )
        items[ch.item_code] = _added(i, ch, catalogue)
    elif ch.item_code not in items:
        raise _not_approved(i, ch.item_code)
    elif ch.action is ChangeAction.REMOVE:
        if any(getattr(ch, t) is not None for t in (*_TERMS, "provider_code")):
            raise RuleViolation(
                "terms_not_applicable",
                "减少服务事项时无需填写服务方式、频次、资金来源或服务机构",
                field=f"body.changes.{i}",
            )
        del items[ch.item_code]
    else:
        items[ch.item_code] = _changed(i, ch, items[ch.item_code])


def apply_changes(
    current: tuple[ApprovedItem, ...], changes: tuple[ItemChange, ...], catalogue: Catalogue | None
) -> Outcome:
    """The approved set after ``changes``; raises on a change the current set refuses."""
    if not changes:
        raise RuleViolation("no_changes", "请至少填写一项服务事项调整", field="body.changes")
    items = {item.item_code: item for item in current}
    seen: set[str] = set()
    for i, ch in enumerate(changes):
        if ch.item_code in seen:
            raise RuleViolation(
                "duplicate_item",
                f"服务项目 {ch.item_code} 重复",
                field=f"body.changes.{i}.item_code",
            )
        seen.add(ch.item_code)
        _apply_one(i, ch, items, catalogue)
    if not items:
        # Taking every item away is a stop, decided through the status change.
        raise RuleViolation(
            "no_items_left",
            "调整后不再有任何服务事项：停止救助请办理状态变更",
            field="body.changes",
        )
    after = tuple(items[code] for code in sorted(items))
    added, removed, changed = diff_items(current, after)
    providers = tuple(
        ItemProvider(item_code=ch.item_code, provider_code=ch.provider_code)
        for ch in changes
        if ch.provider_code is not None and ch.action is not ChangeAction.REMOVE
    )
    return Outcome(
        approved_items=after,
        added=added,
        removed=removed,
        changed=changed,
        item_providers=providers,
    )


def diff_items(
    before: tuple[ApprovedItem, ...], after: tuple[ApprovedItem, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Item codes added, removed, and kept with other terms, each sorted."""
    old = {item.item_code: item for item in before}
    new = {item.item_code: item for item in after}
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = tuple(sorted(c for c in set(old) & set(new) if old[c] != new[c]))
    return added, removed, changed


def county_decides(outcome: Outcome) -> bool:
    """Institutional care added or changed to is the county's to approve (集中供养)."""
    touched = set(outcome.added) | set(outcome.changed)
    return any(
        item.mode is ServiceMode.INSTITUTIONAL_CARE
        for item in outcome.approved_items
        if item.item_code in touched
    )


def with_providers(outcome: Outcome, chosen: tuple[ItemProvider, ...]) -> Outcome:
    """The outcome with the officer's provider choices (they replace the proposer's)."""
    touched = set(outcome.added) | set(outcome.changed)
    for choice in chosen:
        if choice.item_code not in touched:
            raise RuleViolation(
                "provider_for_untouched_item",
                f"服务项目 {choice.item_code} 未增加或调整，不能为其指定服务机构",
                field="body.item_providers",
            )
    kept = {p.item_code: p for p in outcome.item_providers} | {p.item_code: p for p in chosen}
    providers = tuple(kept[code] for code in sorted(kept))
    return outcome.model_copy(update={"item_providers": providers})


def ensure_pending(request: ChangeRequest) -> None:
    """Raises StateConflict once the request is decided."""
    if request.state is not ChangeState.PENDING:
        raise StateConflict(
            "change_already_decided",
            f"该服务调整申请已{request.state.label_zh}，不能重复决定",
            state=request.state.value,
        )
