"""Plan agreement (issue 20): the officers' queue of plans, their answer, the county's rule.

A plan is proposed when its provider submits or revises it (``handlers.replies``); the
township officer of the recipient's township (the county officer for a plan with an
institutional-care order) agrees it or returns it with a reason. The answer goes to the bus
and to the provider's own topic in the same unit of work. A retried answer (same version,
same answer) changes nothing and returns the plan; a stale version is a conflict.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from civic.audit import saw
from civic.errors import Conflict, Forbidden, NotFound, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.enums import Role
from dispatch.adapters import plan_events
from dispatch.domain.plans import (
    Decision,
    DecisionLevel,
    HeldPlan,
    PlanRule,
    PlanState,
    is_repeat,
    judge,
)
from dispatch.repository import plans


@dataclass(frozen=True)
class PlanFile:
    """A plan with its items, as officers read it."""

    plan: HeldPlan
    items: Sequence[Mapping[Any, Any]]


async def decide_plan(
    *, plan_id: uuid.UUID, decision: Decision, officer: Principal, uow: UnitOfWork
) -> PlanFile:
    """Agrees or returns one revision of a plan, and tells the bus and the provider."""
    async with uow:
        plan = await _plan(uow, plan_id, officer, for_update=True)
        _may_decide(officer, plan)
        refusal = judge(plan, decision)
        if refusal is not None:
            kind = Conflict if refusal.conflict else Unprocessable
            field = "body.version" if refusal.code == "plan_version_stale" else "body.reason_zh"
            raise kind(refusal.message_zh, code=refusal.code, field=field)
        if not is_repeat(plan, decision):
            plan = await _answer(uow, plan, decision, officer)
        found = PlanFile(plan, await plans.items(uow.session, plan_id))
        await uow.commit()
        return found


async def _answer(
    uow: UnitOfWork, plan: HeldPlan, decision: Decision, officer: Principal
) -> HeldPlan:
    state = PlanState.AGREED if decision.agree else PlanState.RETURNED
    reason = None if decision.agree else decision.reason_zh
    values = {"state": state.value, "decided_by": officer.user_id, "return_reason_zh": reason}
    await plans.decide(uow.session, plan.plan_id, values)
    answered = replace(plan, state=state, decided_by=officer.user_id, return_reason_zh=reason)
    plan_events.announce(uow, answered, agreed=decision.agree, reason_zh=reason)
    return answered


def _may_decide(officer: Principal, plan: HeldPlan) -> None:
    """The township answers its plans; the county those with institutional care."""
    if plan.decision_level is DecisionLevel.COUNTY:
        if not officer.has_any(Role.COUNTY_OFFICER):
            raise Forbidden("含机构照料的服务方案须由县级民政部门确认", code="county_decides")
        return
    if not officer.has_any(Role.TOWNSHIP_OFFICER):
        raise Forbidden("服务方案须由服务对象所在乡镇(街道)确认", code="township_decides")


async def plan_file(*, plan_id: uuid.UUID, officer: Principal, uow: UnitOfWork) -> PlanFile:
    """One plan with its items, inside the officer's jurisdiction."""
    async with uow:
        plan = await _plan(uow, plan_id, officer)
        return PlanFile(plan, await plans.items(uow.session, plan_id))


async def plan_queue(
    *,
    state: PlanState | None,
    level: DecisionLevel | None,
    officer: Principal,
    uow: UnitOfWork,
    page: int,
    size: int,
) -> tuple[Sequence[HeldPlan], int]:
    """The plans of the officer's township or county, oldest first."""
    division = _division(officer)
    async with uow:
        return await plans.listed(
            uow.session, division=division, state=state, level=level, page=page, size=size
        )


async def set_plan_rule(
    *, county_code: str, flag_unagreed: bool, grace_days: int, officer: Principal, uow: UnitOfWork
) -> PlanRule:
    """The county's next version of its rule for services under an unagreed plan."""
    if officer.division != county_code:
        raise Forbidden("须为本县级民政部门账号", code="outside_jurisdiction")
    values: dict[str, Any] = {
        "county_code": county_code,
        "flag_unagreed": flag_unagreed,
        "grace_days": grace_days,
        "set_by": officer.user_id,
    }
    async with uow:
        rule = await plans.add_rule(uow.session, values)
        await uow.commit()
        return rule


async def plan_rule(*, county_code: str, officer: Principal, uow: UnitOfWork) -> PlanRule:
    """The county's rule in force."""
    ensure_jurisdiction(officer, county_code)
    async with uow:
        rule = await plans.latest_rule(uow.session, county_code)
    if rule is None:
        raise NotFound("本县尚未设置服务方案规则", code="plan_rule_not_found")
    return rule


async def flagged_records(
    *, flag: str, officer: Principal, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[Mapping[Any, Any]], int]:
    """Records accepted but flagged, in the officer's township or county."""
    division = _division(officer)
    async with uow:
        rows, total = await plans.flagged_records(
            uow.session, division=division, flag=flag, page=page, size=size
        )
        saw(*{row["person_id"] for row in rows})
        return rows, total


async def _plan(
    uow: UnitOfWork, plan_id: uuid.UUID, officer: Principal, *, for_update: bool = False
) -> HeldPlan:
    plan = await plans.get(uow.session, plan_id, for_update=for_update)
    if plan is None or plan.township_code is None:
        raise NotFound("未找到该服务方案", code="plan_not_found")
    ensure_jurisdiction(officer, plan.township_code)
    saw(plan.person_id)
    return plan


def _division(officer: Principal) -> str:
    if officer.division is None or len(officer.division) not in (6, 9):
        raise Forbidden("须为乡镇(街道)或县级民政部门账号", code="no_jurisdiction")
    return officer.division
