"""Plan agreement (服务方案 … 提交给县级民政部门或乡镇(街道)，达成共识后): the pure rules.

A new or revised plan is ``proposed``. The township officer of the recipient's township
answers it — the county officer when any of its orders is institutional care — by agreeing
or returning it with a reason; a returned plan revised (a higher version) is proposed again.
Services under a plan not agreed are accepted but flagged when the county's rule says so,
once the order is older than the rule's grace (``flag_of``).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contracts.enums import ServiceMode

#: The flag of a record given under an order whose plan is not agreed.
PLAN_UNAGREED = "plan_unagreed"


class PlanState(enum.StrEnum):
    """Where a plan stands."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    RETURNED = "returned"


class DecisionLevel(enum.StrEnum):
    """Who answers a plan."""

    TOWNSHIP = "township"
    COUNTY = "county"


def level_of(modes: Iterable[ServiceMode | str]) -> DecisionLevel:
    """The county answers a plan that includes institutional care; the township any other."""
    if any(ServiceMode(m) is ServiceMode.INSTITUTIONAL_CARE for m in modes):
        return DecisionLevel.COUNTY
    return DecisionLevel.TOWNSHIP


@dataclass(frozen=True)
class HeldPlan:
    """A plan as stored, with its agreement state (``summary_zh`` opened)."""

    plan_id: uuid.UUID
    version: int
    state: PlanState
    provider_code: str
    person_id: uuid.UUID
    recipient_id: uuid.UUID | None
    county_code: str | None
    township_code: str | None
    decision_level: DecisionLevel
    starts_on: date
    ends_on: date | None
    summary_zh: str | None
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    return_reason_zh: str | None


@dataclass(frozen=True)
class Decision:
    """An officer's answer to one revision of a plan."""

    version: int
    agree: bool
    reason_zh: str | None


@dataclass(frozen=True)
class Refusal:
    """Why a decision is refused: code, Chinese message, HTTP kind (conflict or invalid)."""

    code: str
    message_zh: str
    conflict: bool = True


def judge(plan: HeldPlan, decision: Decision) -> Refusal | None:
    """Why ``decision`` may not be taken on ``plan`` (None: it may, or it is a repeat)."""
    if decision.version != plan.version:
        return Refusal("plan_version_stale", "服务方案已修订，请按最新版本处理")
    if not decision.agree and not decision.reason_zh:
        return Refusal("reason_required", "退回服务方案须说明原因", conflict=False)
    if plan.state is PlanState.PROPOSED or is_repeat(plan, decision):
        return None
    return Refusal("plan_already_answered", "该版本服务方案已处理")


def is_repeat(plan: HeldPlan, decision: Decision) -> bool:
    """True when this revision was already answered the same way (a retried request)."""
    done = PlanState.AGREED if decision.agree else PlanState.RETURNED
    return plan.version == decision.version and plan.state is done


@dataclass(frozen=True)
class PlanRule:
    """A county's rule for services under a plan not agreed (versioned by the county)."""

    county_code: str
    version: int
    flag_unagreed: bool
    grace_days: int
    set_by: str
    created_at: datetime


def flag_of(
    rule: PlanRule | None, *, agreed: bool, order_start: date, service_date: date
) -> str | None:
    """``plan_unagreed`` for a service under an order without an agreed plan, given once the
    grace (days from the order's start) has passed and the county flags; else None."""
    if rule is None or not rule.flag_unagreed or agreed:
        return None
    if service_date < order_start + timedelta(days=rule.grace_days):
        return None
    return PLAN_UNAGREED
