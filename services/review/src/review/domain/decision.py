"""The decision: the state machine, the eligibility rule, item checks and the new recipient.

Pure: no I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from contracts.enums import (
    RecipientCategory,
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    SpecialCondition,
    is_eligible,
)
from contracts.settlement import CatalogueItem
from contracts.values import ApprovedItem
from review.domain.case import (
    Approval,
    Case,
    Decision,
    DecisionKind,
    ItemRequest,
    Part,
    Rejection,
    RuleViolation,
    StateConflict,
)


class Recipient(Part):
    """A person admitted to service aid: review's registry entry, status version 1 at approval."""

    recipient_id: uuid.UUID
    person_id: uuid.UUID
    application_id: uuid.UUID
    household_id: uuid.UUID
    category: RecipientCategory
    special_conditions: tuple[SpecialCondition, ...]
    self_care_level: SelfCareLevel | None
    need_categories: tuple[ServiceCategory, ...]
    county_code: str
    township_code: str
    village_code: str
    display_name: str
    status: RecipientStatus
    status_version: int
    status_effective_date: date
    expected_end: date | None = None
    admitted_on: date
    items: tuple[ApprovedItem, ...]
    catalogue_version: int | None
    approved_by: str
    approved_at: datetime
    #: The approved items' version: 1 at approval, +1 per approved change (issue 20).
    services_version: int = 1


@dataclass(frozen=True)
class Catalogue:
    """The county catalogue version in force on a day."""

    county_code: str
    version: int
    effective_from: date
    items: dict[str, CatalogueItem] = field(default_factory=dict)


def ensure_decidable(case: Case) -> None:
    """Raises StateConflict unless the case awaits a decision."""
    if case.decision is not None:
        raise StateConflict(
            "already_decided",
            f"该申请已{case.decision.kind.label_zh}，不能重复决定",
            decision=case.decision.kind.value,
            recipient_id=str(case.decision.recipient_id) if case.decision.recipient_id else None,
        )
    if case.withdrawal is not None:
        raise StateConflict("application_withdrawn", "该申请已撤回，无需审核确认")
    if case.registration is None:
        raise StateConflict("application_not_registered", "该申请尚未受理登记，暂不能审核确认")
    if case.preliminary is None:
        raise StateConflict(
            "preliminary_review_pending", "村(社区)入户调查初审结果尚未送达，暂不能审核确认"
        )


def check_eligibility(
    category: RecipientCategory, conditions: tuple[SpecialCondition, ...]
) -> None:
    """Raises not_eligible for a conditional category without a qualifying condition."""
    if not is_eligible(category, conditions):
        raise RuleViolation(
            "not_eligible",
            f"{category.label_zh}中仅失能半失能老年人、重病患者、重度残疾人可纳入服务类社会救助，"
            "本申请未确认上述情形",
            field="body.special_conditions",
        )


def surveyed_conditions(case: Case) -> tuple[SpecialCondition, ...]:
    """Conditions the survey team confirmed or based its recommendation on."""
    found = set(case.findings.confirmed_conditions if case.findings else ())
    if case.preliminary is not None:
        found |= set(case.preliminary.recommended_conditions)
    return tuple(sorted(found))


def confirm_conditions(
    case: Case, asserted: tuple[SpecialCondition, ...] | None
) -> tuple[SpecialCondition, ...]:
    """The conditions the decision rests on: the survey's, or the officer's from the record."""
    if asserted is None:
        return surveyed_conditions(case)
    claimed = case.registration.special_conditions if case.registration else ()
    on_record = set(surveyed_conditions(case)) | set(claimed)
    unknown = sorted(set(asserted) - on_record)
    if unknown:
        names = "、".join(c.label_zh for c in unknown)
        raise RuleViolation(
            "condition_not_on_record",
            f"“{names}”既未申报也未经入户调查确认，不能据此认定",
            field="body.special_conditions",
        )
    return tuple(sorted(set(asserted)))


def _approved_item(
    index: int, req: ItemRequest, catalogue: Catalogue, needs: tuple[ServiceCategory, ...]
) -> ApprovedItem:
    where = f"body.items.{index}.item_code"
    item = catalogue.items.get(req.item_code)
    if item is None:
        raise RuleViolation(
            "unknown_item",
            f"服务项目 {req.item_code} 不在 {catalogue.effective_from} 起施行的服务目录"
            f"(第{catalogue.version}版)中",
            field=where,
        )
    if item.service_category not in needs:
        raise RuleViolation(
            "item_outside_needs",
            f"服务项目“{item.name_zh}”属于{item.service_category.label_zh}，"
            "不在需求认定的服务类别中",
            field=where,
        )
    return ApprovedItem(service_category=item.service_category, **req.model_dump())


def approve_items(
    requests: tuple[ItemRequest, ...],
    catalogue: Catalogue | None,
    needs: tuple[ServiceCategory, ...],
) -> tuple[ApprovedItem, ...]:
    """Checks each item against the catalogue in force and the assessed needs."""
    if catalogue is None:
        raise RuleViolation(
            "no_catalogue_in_force",
            "该生效日期尚无施行中的服务项目目录",
            field="body.effective_date",
        )
    approved: list[ApprovedItem] = []
    for i, req in enumerate(requests):
        if any(a.item_code == req.item_code for a in approved):
            raise RuleViolation(
                "duplicate_item",
                f"服务项目 {req.item_code} 重复",
                field=f"body.items.{i}.item_code",
            )
        approved.append(_approved_item(i, req, catalogue, needs))
    return tuple(approved)


def _admitted(case: Case, approval: Approval, decision: Decision, **confirmed: Any) -> Recipient:
    # The first entry of the registry: active from the approval's effective date, version 1.
    assert case.registration is not None
    facts = case.registration.model_dump(
        include={"household_id", "county_code", "township_code", "village_code", "display_name"}
    )
    return Recipient(
        **facts,
        **confirmed,
        recipient_id=decision.recipient_id,
        person_id=case.person_id,
        application_id=case.application_id,
        self_care_level=approval.need_assessment.self_care_level,
        need_categories=approval.need_assessment.need_categories,
        status=RecipientStatus.ACTIVE,
        status_version=1,
        status_effective_date=approval.effective_date,
        admitted_on=approval.effective_date,
        approved_by=decision.decided_by,
        approved_at=decision.decided_at,
    )


def approve(
    case: Case,
    approval: Approval,
    catalogue: Catalogue | None,
    *,
    recipient_id: uuid.UUID,
    decided_by: str,
    at: datetime,
) -> tuple[Case, Recipient]:
    """Decides to approve: the decided case and the new active recipient (status version 1)."""
    ensure_decidable(case)
    assert case.registration is not None  # ensure_decidable refuses unregistered cases
    category = approval.category or case.registration.category
    conditions = confirm_conditions(case, approval.special_conditions)
    check_eligibility(category, conditions)
    items = approve_items(approval.items, catalogue, approval.need_assessment.need_categories)
    decision = Decision(
        application_id=case.application_id,
        kind=DecisionKind.APPROVED,
        decided_by=decided_by,
        decided_at=at,
        recipient_id=recipient_id,
        effective_date=approval.effective_date,
    )
    recipient = _admitted(
        case,
        approval,
        decision,
        category=category,
        special_conditions=conditions,
        items=items,
        catalogue_version=catalogue.version if catalogue else None,
    )
    return case.model_copy(update={"decision": decision}), recipient


def reject(case: Case, rejection: Rejection, *, decided_by: str, at: datetime) -> Case:
    """Decides to reject: the decided case."""
    ensure_decidable(case)
    decision = Decision(
        application_id=case.application_id,
        kind=DecisionKind.REJECTED,
        decided_by=decided_by,
        decided_at=at,
        reason_code=rejection.reason_code,
        reason_zh=rejection.reason_zh,
    )
    return case.model_copy(update={"decision": decision})
